// A search picker for people or groups: type a few letters, the server answers with matches
// (GET /api/admin/users?search=…), pick one with the mouse or the keyboard; what is chosen shows as
// chips with a remove button each. Follows the WAI-ARIA combobox pattern (a text box that controls a
// listbox, the active option named by aria-activedescendant), so screen readers read the options.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { announce, errorText } from './ui.js';

export interface Option {
  /** What is stored: a login or a group name. */
  readonly value: string;
  /** What people read in the list, e.g. "Ann (ann)". */
  readonly label: string;
}

/** Long enough that a typist's letters make one request, short enough to feel immediate. */
const SEARCH_DELAY_MS = 200;
/** A list, not a directory dump: typing more narrows it. */
const MAX_OPTIONS = 8;

let pickerSeq = 0;

export function Picker({
  label,
  hint,
  value,
  onChange,
  search,
  name,
}: {
  label: string;
  hint?: string;
  value: readonly string[];
  onChange: (v: string[]) => void;
  search: (text: string) => Promise<Option[]>;
  /** Names the input for tests and autofill; defaults to the label. */
  name?: string;
}) {
  const [id] = useState(() => `pk${++pickerSeq}`);
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // Answers can come back out of order; only the latest typing's answer is shown.
  const seq = useRef(0);

  useEffect(() => {
    if (!open) return;
    const mine = ++seq.current;
    setSearching(true);
    const timer = setTimeout(() => {
      search(text.trim()).then(
        (found) => {
          if (mine !== seq.current) return;
          const fresh = found.filter((o) => !value.includes(o.value)).slice(0, MAX_OPTIONS);
          setOptions(fresh);
          setActive(fresh.length > 0 ? 0 : -1);
          setError(null);
          setSearching(false);
        },
        (e) => {
          if (mine !== seq.current) return;
          setOptions([]);
          setError(e instanceof ApiError ? e.message : errorText(e));
          setSearching(false);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, open, value.join('\n')]);

  const add = (o: Option) => {
    onChange([...value, o.value]);
    setText('');
    setOptions((xs) => xs.filter((x) => x.value !== o.value));
    announce(`${o.label} added to ${label}.`);
    inputRef.current?.focus();
  };
  const remove = (v: string) => {
    onChange(value.filter((x) => x !== v));
    announce(`${v} removed from ${label}.`);
    inputRef.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((i) => Math.min(options.length - 1, i + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter') {
      // Enter picks the highlighted option; it never submits the surrounding form from here.
      e.preventDefault();
      const o = options[active];
      if (open && o) add(o);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    } else if (e.key === 'Backspace' && text === '' && value.length > 0) {
      remove(value[value.length - 1]!);
    }
  };

  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const expanded = open && (options.length > 0 || error !== null || text.trim() !== '');
  return (
    <div class="picker" role="group" aria-labelledby={`${id}-label`}>
      <label id={`${id}-label`} for={`${id}-input`}>
        {label}
      </label>
      <ul class="chips" aria-label={`Chosen: ${label}`}>
        {value.length === 0 && <li class="muted">None yet.</li>}
        {value.map((v) => (
          <li class="chip" key={v}>
            <span>{v}</span>
            <button type="button" class="chip-remove" onClick={() => remove(v)} aria-label={`Remove ${v} from ${label}`}>
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <div class="picker-box">
        <input
          id={`${id}-input`}
          ref={inputRef}
          name={name ?? label}
          type="text"
          role="combobox"
          autocomplete="off"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 && options[active] ? `${id}-o${active}` : undefined}
          aria-describedby={hint ? hintId : undefined}
          placeholder="Type to search…"
          value={text}
          onInput={(e) => {
            setText((e.currentTarget as HTMLInputElement).value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          // Late enough that a click on an option lands first.
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" aria-label={`Matches for ${label}`} class="picker-list" hidden={!expanded}>
          {options.map((o, i) => (
            <li
              id={`${id}-o${i}`}
              key={o.value}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : undefined}
              // mousedown, not click: it comes before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                add(o);
              }}
            >
              {o.label}
            </li>
          ))}
          {expanded && options.length === 0 && !error && (
            <li role="option" aria-disabled="true" aria-selected={false} class="muted">
              {searching ? 'Searching…' : 'No match.'}
            </li>
          )}
        </ul>
      </div>
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
