import { useState } from 'react';
import { Badge, Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { errorText, get, post, put, type Page } from '../api';
import { useSession } from '../session';
import { ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';

interface GroupRow {
  id: number;
  name: string;
  builtin: string | null;
  permissions: Record<string, string[]>;
  reports: string[];
  members: number;
}

const RULESETS = ['item', 'category', 'warehouse', 'stock', 'order', 'customer', 'report', 'user', 'app'];
const ACTIONS = ['view', 'add', 'change', 'delete'];
const REPORTS = ['stock-levels', 'stock-valuation', 'low-stock', 'movement-history', 'order-summary'];

/** Permission groups: a role matrix (rulesets × view/add/change/delete) and the reports each group may run. */
export function GroupsPage() {
  const { can, me } = useSession();
  const groups = useLoad(() => get<Page<GroupRow>>('/api/v1/Group', { pageSize: 500 }));
  const [editing, setEditing] = useState<GroupRow | 'new' | null>(null);
  const blocked = me?.readOnly ? 'Your user is read-only.' : can('user', 'change') ? null : 'You may not change groups.';
  return (
    <>
      <PageTitle
        right={
          <Why reason={me?.readOnly ? 'Your user is read-only.' : can('user', 'add') ? null : 'You may not create groups.'}>
            <Button onClick={() => setEditing('new')} disabled={me?.readOnly || !can('user', 'add')}>
              New group
            </Button>
          </Why>
        }
      >
        Groups
      </PageTitle>
      <ErrorNote error={groups.error} />
      <Stack gap="lg">
        {groups.data?.value.map((g) => (
          <Section
            key={g.id}
            title={g.name}
            description={`${g.members} member(s)${g.builtin ? ' · built in' : ''} · reports: ${g.reports.join(', ') || 'none'}`}
            right={
              <Why reason={blocked}>
                <Button size="xs" variant="light" disabled={blocked !== null} onClick={() => setEditing(g)} aria-label={`Edit group ${g.name}`}>
                  Edit
                </Button>
              </Why>
            }
          >
            <Matrix permissions={g.permissions} />
          </Section>
        ))}
      </Stack>
      {editing && (
        <GroupForm group={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), void groups.reload())} />
      )}
    </>
  );
}

function Matrix({ permissions, onToggle }: { permissions: Record<string, string[]>; onToggle?: (ruleset: string, action: string) => void }) {
  return (
    <div className="qm-table-wrap">
      <Table withColumnBorders={false} aria-label="Role matrix" miw={420}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Ruleset</Table.Th>
            {ACTIONS.map((a) => (
              <Table.Th key={a} ta="center">
                {a}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {RULESETS.map((rs) => (
            <Table.Tr key={rs}>
              <Table.Td>{rs}</Table.Td>
              {ACTIONS.map((a) => {
                const on = permissions[rs]?.includes(a) ?? false;
                return (
                  <Table.Td key={a} ta="center">
                    {onToggle ? (
                      <Checkbox checked={on} onChange={() => onToggle(rs, a)} aria-label={`${a} ${rs}`} style={{ display: 'inline-block' }} />
                    ) : on ? (
                      <Badge size="sm" variant="light" color="green">
                        ✓
                      </Badge>
                    ) : (
                      <Text c="dimmed" size="sm">
                        ·
                      </Text>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function GroupForm({ group, onClose, onSaved }: { group: GroupRow | null; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(group?.name ?? '');
  const [perms, setPerms] = useState<Record<string, string[]>>(group?.permissions ?? {});
  const [reports, setReports] = useState<string[]>(group?.reports ?? []);
  const [error, setError] = useState<string | null>(null);
  const toggle = (rs: string, a: string) => {
    const cur = perms[rs] ?? [];
    setPerms({ ...perms, [rs]: cur.includes(a) ? cur.filter((x) => x !== a) : [...cur, a] });
  };
  return (
    <Modal opened onClose={onClose} title={group ? `Edit group ${group.name}` : 'New group'} size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          const body = { name, permissions: Object.fromEntries(Object.entries(perms).filter(([, v]) => v.length)), reports };
          try {
            if (group) await put(`/api/v1/Group/${group.id}`, body);
            else await post('/api/v1/Group', body);
            onSaved();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <TextInput label="Group name" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          <Matrix permissions={perms} onToggle={toggle} />
          <Checkbox.Group label="Reports this group may run" value={reports} onChange={setReports}>
            <Group mt="xs">
              {REPORTS.map((r) => (
                <Checkbox key={r} value={r} label={r} />
              ))}
            </Group>
          </Checkbox.Group>
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save group</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
