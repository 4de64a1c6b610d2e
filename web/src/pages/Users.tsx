import { useState } from 'react';
import { Anchor, Badge, Button, Group, Modal, MultiSelect, PasswordInput, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { del, errorText, get, patch, post, type Page } from '../api';
import { useSession } from '../session';
import { attempt, ErrorNote, fmtDate, Loading, PageTitle, Section, useLoad, Why, EmptyRow, SmallDanger, TokenCells } from '../ui';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  kind: 'human' | 'integration';
  active: boolean;
  readOnly: boolean;
  superuser: boolean;
  hasPassword: boolean;
  hasPin: boolean;
  groups: { id: number; name: string }[];
  warehouseIds: number[];
  created: string;
  lastLogin: string | null;
}
export interface GroupRow {
  id: number;
  name: string;
}
export interface WarehouseRow {
  wID: number;
  code: string;
  name: string;
}

export function useGroupsAndWarehouses() {
  return useLoad(async () => {
    const [groups, warehouses] = await Promise.all([
      get<Page<GroupRow>>('/api/v1/Group', { pageSize: 500 }),
      get<Page<WarehouseRow>>('/api/v1/Warehouse', { pageSize: 500 }),
    ]);
    return { groups: groups.value, warehouses: warehouses.value };
  });
}

export function UsersPage() {
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'human' | 'integration'>('human');
  const users = useLoad(() => get<Page<UserRow>>('/api/v1/User', { q, kind, pageSize: 200, sort: 'username' }), [q, kind]);
  const [creating, setCreating] = useState(false);
  const mayAdd = can('user', 'add');
  return (
    <>
      <PageTitle
        right={
          <Why reason={mayAdd ? null : 'You may not create users.'}>
            <Button onClick={() => setCreating(true)} disabled={!mayAdd}>
              New user
            </Button>
          </Why>
        }
      >
        Users
      </PageTitle>
      <Section title={kind === 'human' ? 'People' : 'Integration users of apps'}>
        <Group mb="sm" wrap="wrap">
          <TextInput label="Search" placeholder="username or email" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={260} />
          <Switch
            label="Integration users (OAuth apps with client credentials)"
            checked={kind === 'integration'}
            onChange={(e) => setKind(e.currentTarget.checked ? 'integration' : 'human')}
            mt="lg"
          />
        </Group>
        <ErrorNote error={users.error} />
        <div className="qm-table-wrap">
          <Table striped highlightOnHover aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Username</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Groups</Table.Th>
                <Table.Th>Warehouses</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Last login</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data?.value.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/users/${u.id}`}>
                      {u.username}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.groups.map((g) => g.name).join(', ') || '—'}</Table.Td>
                  <Table.Td>{u.warehouseIds.length ? u.warehouseIds.map((w) => `#${w}`).join(', ') : 'all'}</Table.Td>
                  <Table.Td>
                    <UserState user={u} />
                  </Table.Td>
                  <Table.Td>{fmtDate(u.lastLogin)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </Section>
      <CreateUser opened={creating} onClose={() => setCreating(false)} onCreated={() => (setCreating(false), void users.reload())} />
    </>
  );
}

/** A user's state as badges: active or disabled, read-only, superuser. */
export function UserState({ user: u }: { user: UserRow }) {
  return (
    <Group gap={4} wrap="nowrap">
      {u.active ? (
        <Badge color="green" variant="light">
          active
        </Badge>
      ) : (
        <Badge color="red">disabled</Badge>
      )}
      {u.readOnly && (
        <Badge color="orange" variant="light">
          read-only
        </Badge>
      )}
      {u.superuser && (
        <Badge color="grape" variant="light">
          superuser
        </Badge>
      )}
    </Group>
  );
}

function CreateUser({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const refs = useGroupsAndWarehouses();
  const [f, setF] = useState({ username: '', email: '', password: '', pin: '', groupIds: [] as string[], warehouseIds: [] as string[], readOnly: false });
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened={opened} onClose={onClose} title="New user" size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await post('/api/v1/User', {
              username: f.username,
              email: f.email,
              ...(f.password ? { password: f.password } : {}),
              ...(f.pin ? { pin: f.pin } : {}),
              readOnly: f.readOnly,
              groupIds: f.groupIds.map(Number),
              warehouseIds: f.warehouseIds.map(Number),
            });
            setF({ username: '', email: '', password: '', pin: '', groupIds: [], warehouseIds: [], readOnly: false });
            onCreated();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Username" value={f.username} onChange={(e) => setF({ ...f, username: e.currentTarget.value })} required data-autofocus />
            <TextInput label="Email" type="email" value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} required />
            <PasswordInput
              label="Password"
              description="At least 8 characters."
              autoComplete="new-password"
              value={f.password}
              onChange={(e) => setF({ ...f, password: e.currentTarget.value })}
            />
            <PasswordInput
              label="PIN (optional)"
              description="4 to 8 digits."
              inputMode="numeric"
              autoComplete="off"
              value={f.pin}
              onChange={(e) => setF({ ...f, pin: e.currentTarget.value })}
            />
          </SimpleGrid>
          <MultiSelect
            label="Groups"
            data={(refs.data?.groups ?? []).map((g) => ({ value: String(g.id), label: g.name }))}
            value={f.groupIds}
            onChange={(v) => setF({ ...f, groupIds: v })}
            searchable
          />
          <MultiSelect
            label="Warehouses"
            description="Leave empty for every warehouse."
            data={(refs.data?.warehouses ?? []).map((w) => ({ value: String(w.wID), label: `${w.code} · ${w.name}` }))}
            value={f.warehouseIds}
            onChange={(v) => setF({ ...f, warehouseIds: v })}
            searchable
          />
          <Switch
            label="Read-only"
            description="May look, may not change anything."
            checked={f.readOnly}
            onChange={(e) => setF({ ...f, readOnly: e.currentTarget.checked })}
          />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Create user</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface Credentials {
  tokens: { id: number; name: string; hint: string; created: string; expires: string | null; lastUsed: string | null; lastUsedIp: string | null }[];
  apiKey: { api_key: string; created: string; lastUsed: string | null } | null;
  sessions: { id: number; kind: string; created: string; lastUsed: string | null; userAgent: string | null }[];
}

export function UserDetailPage() {
  const id = Number(useParams().id);
  const { can, me } = useSession();
  const user = useLoad(() => get<UserRow>(`/api/v1/User/${id}`), [id]);
  const creds = useLoad(() => (can('user', 'change') ? get<Credentials>(`/api/v1/User/${id}/Credentials`) : Promise.resolve(null)), [id]);
  const refs = useGroupsAndWarehouses();
  const u = user.data;
  if (user.error) return <ErrorNote error={user.error} />;
  if (!u) return <Loading />;
  const mayChange = can('user', 'change');
  const self = me?.id === u.id;
  const noChange = mayChange ? null : 'You may not change users.';
  return (
    <>
      <PageTitle
        right={
          <Why reason={noChange ?? (self ? 'You cannot disable yourself.' : null)}>
            <Button
              color={u.active ? 'red' : 'green'}
              variant="light"
              disabled={!mayChange || self}
              onClick={() =>
                void attempt(
                  () => post(`/api/v1/User/${id}/${u.active ? 'disable' : 'enable'}`),
                  u.active ? 'User disabled: every credential refused from now on.' : 'User enabled.',
                ).then(user.reload)
              }
            >
              {u.active ? 'Disable user' : 'Enable user'}
            </Button>
          </Why>
        }
      >
        {u.username} {!u.active && <Badge color="red">disabled</Badge>}
      </PageTitle>
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <EditUser
            key={u.id + u.email + String(u.readOnly) + u.groups.map((g) => g.id).join() + u.warehouseIds.join()}
            user={u}
            refs={refs.data}
            disabled={!mayChange}
            onSaved={user.reload}
          />
          <Section title="Password and PIN">
            <PasswordAndPin user={u} disabled={!mayChange} onSaved={user.reload} />
          </Section>
        </SimpleGrid>
        {mayChange && (
          <Section title="Credentials" description="Personal tokens, the API key and live sessions. Revoking takes effect on the next request.">
            <ErrorNote error={creds.error} />
            {creds.data && <CredentialTables userId={id} creds={creds.data} reload={creds.reload} />}
          </Section>
        )}
      </Stack>
    </>
  );
}

interface AccessProps {
  user: UserRow;
  refs: { groups: GroupRow[]; warehouses: WarehouseRow[] } | null;
  disabled: boolean;
  onSaved: () => Promise<void>;
}

function EditUser(props: AccessProps) {
  return (
    <Section title="Profile and access">
      <AccessForm {...props} />
    </Section>
  );
}

/** A user's email, groups, warehouses and read-only flag, saved in one PATCH: for people and integration users alike. */
export function AccessForm({ user, refs, disabled, onSaved }: AccessProps) {
  const [email, setEmail] = useState(user.email);
  const [groupIds, setGroupIds] = useState(user.groups.map((g) => String(g.id)));
  const [warehouseIds, setWarehouseIds] = useState(user.warehouseIds.map(String));
  const [readOnly, setReadOnly] = useState(user.readOnly);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await patch(`/api/v1/User/${user.id}`, { email, readOnly, groupIds: groupIds.map(Number), warehouseIds: warehouseIds.map(Number) });
          await attempt(onSaved, 'Saved.');
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <Stack gap="sm">
        <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} disabled={disabled} />
        <MultiSelect
          label="Groups"
          data={(refs?.groups ?? []).map((g) => ({ value: String(g.id), label: g.name }))}
          value={groupIds}
          onChange={setGroupIds}
          disabled={disabled}
          searchable
        />
        <MultiSelect
          label="Warehouses"
          description="Empty: every warehouse."
          data={(refs?.warehouses ?? []).map((w) => ({ value: String(w.wID), label: `${w.code} · ${w.name}` }))}
          value={warehouseIds}
          onChange={setWarehouseIds}
          disabled={disabled}
          searchable
        />
        <Switch label="Read-only" checked={readOnly} onChange={(e) => setReadOnly(e.currentTarget.checked)} disabled={disabled} />
        <ErrorNote error={error} />
        <Group>
          <Button type="submit" disabled={disabled}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordAndPin({ user, disabled, onSaved }: { user: UserRow; disabled: boolean; onSaved: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [pin, setPin] = useState('');
  if (user.kind === 'integration')
    return <Text size="sm">Integration users have no password or PIN: their app authenticates with its client credentials.</Text>;
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <PasswordInput
          label="New password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          disabled={disabled}
          style={{ flex: 1 }}
        />
        <Button
          disabled={disabled || !password}
          onClick={() => void attempt(() => post(`/api/v1/User/${user.id}/password`, { password }), 'Password set.').then((ok) => ok && setPassword(''))}
        >
          Set password
        </Button>
      </Group>
      <Group align="flex-end">
        <PasswordInput
          label="New PIN"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.currentTarget.value)}
          disabled={disabled}
          style={{ flex: 1 }}
        />
        <Button
          disabled={disabled || !pin}
          onClick={() => void attempt(() => post(`/api/v1/User/${user.id}/pin`, { pin }), 'PIN set.').then((ok) => ok && (setPin(''), void onSaved()))}
        >
          Set PIN
        </Button>
        {user.hasPin && (
          <Button
            variant="light"
            color="red"
            disabled={disabled}
            onClick={() => void attempt(() => del(`/api/v1/User/${user.id}/pin`), 'PIN removed.').then(onSaved)}
          >
            Remove PIN
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function CredentialTables({ userId, creds, reload }: { userId: number; creds: Credentials; reload: () => Promise<void> }) {
  return (
    <Stack>
      <div className="qm-table-wrap">
        <Table striped aria-label="Their personal tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Token</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {creds.tokens.length === 0 && <EmptyRow cols={5}>No personal tokens.</EmptyRow>}
            {creds.tokens.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  {t.name}{' '}
                  <Text span size="xs" c="dimmed" className="qm-secret">
                    {t.hint}
                  </Text>
                </Table.Td>
                <TokenCells
                  token={t}
                  onRevoke={() => void attempt(() => del(`/api/v1/User/${userId}/Credentials/tokens/${t.id}`), 'Token revoked.').then(reload)}
                />
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      <Group justify="space-between">
        <Text size="sm">
          API key: {creds.apiKey ? <span className="qm-secret">{creds.apiKey.api_key}</span> : 'none'}
          {creds.apiKey && ` (last used ${fmtDate(creds.apiKey.lastUsed)})`}
        </Text>
        {creds.apiKey && (
          <SmallDanger onClick={() => void attempt(() => del(`/api/v1/User/${userId}/Credentials/apikey`), 'API key revoked.').then(reload)}>
            Revoke API key
          </SmallDanger>
        )}
      </Group>
      <Group justify="space-between">
        <Text size="sm">Live sessions: {creds.sessions.length}</Text>
        {creds.sessions.length > 0 && (
          <SmallDanger onClick={() => void attempt(() => del(`/api/v1/User/${userId}/Credentials/sessions`), 'Sessions ended.').then(reload)}>
            End all sessions
          </SmallDanger>
        )}
      </Group>
    </Stack>
  );
}
