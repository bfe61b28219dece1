// The standing members of an embedded group no role grants (an approver or candidate group), edited
// with the people picker and saved in one PUT; what changed is announced. A group some role grants
// gets no editor: its members come only from elevations (docs/administration.md).
import { useState } from 'preact/hooks';
import { type GroupMembersChange, admin } from '../api.js';
import { Picker } from '../picker.js';
import { ErrorBox, SubmitRow, announce, useAction } from '../ui.js';
import { searchPeople } from './approval-stages-editor.js';

/** "added ann; removed bob", or "no change". */
export function changeText(c: GroupMembersChange): string {
  const parts = [c.added.length > 0 && `added ${c.added.join(', ')}`, c.removed.length > 0 && `removed ${c.removed.join(', ')}`].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

export function GroupMembersEditor({ group, members, onSaved }: { group: string; members: readonly string[]; onSaved: (c: GroupMembersChange) => void }) {
  const [value, setValue] = useState<string[]>([...members]);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    let change: GroupMembersChange | undefined;
    if (await action.run(async () => void (change = await admin.setGroupMembers(group, value)))) {
      const text = `Members of ${group} saved: ${changeText(change!)}.`;
      setDone(text);
      announce(text);
      onSaved(change!);
    }
  };
  return (
    <form class="editor" onSubmit={submit} aria-label={`Members of ${group}`}>
      <Picker label={`Members of ${group}`} hint="Standing members: no role grants this group." name="members" value={value} onChange={setValue} search={searchPeople} />
      <ErrorBox error={action.error} />
      {done && <p class="muted">{done}</p>}
      <SubmitRow label="Save members" disabled={action.busy} />
    </form>
  );
}
