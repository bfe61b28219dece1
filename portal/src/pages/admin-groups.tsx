import { useState } from 'preact/hooks';
import { type Group, type GroupMembers, admin } from '../api.js';
import { SearchPaged } from '../search-pager.js';
import { ErrorBox, Field, SubmitRow, Page, Tag, announce, errorText, input, useAction } from '../ui.js';
import { GroupMembersEditor } from './group-members-editor.js';

export function AdminGroups() {
  const [version, setVersion] = useState(0);
  return (
    <Page
      title="Groups"
      intro="The groups roles grant, and standing groups (approver and candidate groups) no role grants. Members shows who is in each group now; an embedded standing group's members are edited there."
    >
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
  const [listing, setListing] = useState<GroupMembers | null>(null);
  const [error, setError] = useState<string | null>(null);
  const members = listing?.value ?? null;
  const load = async () => setListing(await admin.groupMembers(g.name));
  const toggle = async () => {
    if (listing) return setListing(null);
    try {
      await load();
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
      {listing && listing.kind === 'granted' && <p class="muted">Granted by {listing.grantedBy.join(', ')}: members only through elevations.</p>}
      {listing && listing.kind === 'standing' && g.directory === 'embedded' ? (
        <GroupMembersEditor group={g.name} members={listing.value.map((m) => m.login)} onSaved={() => void load()} />
      ) : members &&
        (members.length === 0 ? (
          <p class="muted">Nobody is in this group, and nobody should be.</p>
        ) : (
          <ul class="plain">
            {members.map((m) => (
              <li key={m.login}>
                {m.displayName} <span class="muted">({m.login})</span> {m.member && m.expected && <Tag tone="ok">member</Tag>}
                {m.member && !m.expected && (listing?.kind === 'granted' ? <Tag tone="warn">member without a grant</Tag> : <Tag tone="ok">member</Tag>)}
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
