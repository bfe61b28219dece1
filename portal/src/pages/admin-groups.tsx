import { useState } from 'preact/hooks';
import { type Group, type GroupMember, admin } from '../api.js';
import { SearchPaged } from '../search-pager.js';
import { ErrorBox, Field, SubmitRow, Page, Tag, announce, errorText, input, useAction } from '../ui.js';

export function AdminGroups() {
  const [version, setVersion] = useState(0);
  return (
    <Page title="Groups" intro="The groups roles grant. Members shows who is in each group now, beside who Elevate's active grants say should be.">
      <SearchPaged key={version} what="groups" label="Search by name, description or DN" load={admin.groupsPage}>
        {(groups) => (
          <ul class="cards" aria-label="Groups">
            {groups.map((g) => (
              <GroupCard key={g.id} g={g} />
            ))}
          </ul>
        )}
      </SearchPaged>
      <NewGroup reload={async () => setVersion(version + 1)} />
    </Page>
  );
}

function GroupCard({ g }: { g: Group }) {
  const [members, setMembers] = useState<GroupMember[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    if (members) return setMembers(null);
    try {
      setMembers(await admin.members(g.name));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const headingId = `g-${g.id}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>{g.name}</h2>
        <Tag>{g.directory}</Tag>
      </div>
      {g.description && <p class="description">{g.description}</p>}
      {g.dn && <p class="muted mono">{g.dn}</p>}
      <div class="actions">
        <button type="button" aria-expanded={!!members} onClick={() => void toggle()}>
          {members ? 'Hide members' : 'Members'}
          <span class="sr-only"> of {g.name}</span>
        </button>
      </div>
      <ErrorBox error={error} />
      {members &&
        (members.length === 0 ? (
          <p class="muted">Nobody is in this group, and nobody should be.</p>
        ) : (
          <ul class="plain">
            {members.map((m) => (
              <li key={m.login}>
                {m.displayName} <span class="muted">({m.login})</span> {m.member && m.expected && <Tag tone="ok">member</Tag>}
                {m.member && !m.expected && <Tag tone="warn">member without a grant</Tag>}
                {!m.member && m.expected && <Tag tone="bad">grant not applied yet</Tag>}
              </li>
            ))}
          </ul>
        ))}
    </li>
  );
}

function NewGroup({ reload }: { reload: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await action.run(() => admin.createGroup({ name: name.trim(), description: description.trim() || null }).then(() => undefined))) {
      announce(`Group ${name} created.`);
      setName('');
      setDescription('');
      await reload();
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-group">
      <h2 id="new-group">New group</h2>
      <p class="muted">In Elevate's embedded directory. Groups in an LDAP directory are added with the CLI (elevate group add --directory).</p>
      <div class="row">
        <Field label="Name">{(id) => <input id={id} name="name" required value={name} onInput={input(setName)} />}</Field>
        <Field label="Description">{(id) => <input id={id} name="description" value={description} onInput={input(setDescription)} />}</Field>
      </div>
      <ErrorBox error={action.error} />
      <SubmitRow label="Create group" disabled={action.busy} />
    </form>
  );
}
