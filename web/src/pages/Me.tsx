import { useState } from 'react';
import { Badge, Button, Group, NumberInput, PasswordInput, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { del, errorText, get, post } from '../api';
import { useSession } from '../session';
import { attempt, ConfirmDialog, ErrorNote, fmtDate, ListTable, PageTitle, Section, ShownOnce, SmallDanger, useLoad, TokenCells } from '../ui';

interface TokenMeta {
  id: number;
  name: string;
  hint: string;
  created: string;
  expires: string | null;
  lastUsed: string | null;
  lastUsedIp: string | null;
}
interface ApiKeyMeta {
  id: number;
  api_key: string;
  created: string;
  rotated: string | null;
  lastUsed: string | null;
  lastUsedIp: string | null;
}
interface SessionMeta {
  id: number;
  kind: string;
  created: string;
  expires: string;
  lastUsed: string | null;
  lastUsedIp: string | null;
  userAgent: string | null;
  current: boolean;
}

export function MePage() {
  const { me } = useSession();
  if (!me) return null;
  return (
    <>
      <PageTitle>Me</PageTitle>
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Section title="Profile">
            <Table variant="vertical" layout="fixed" withTableBorder={false}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={130}>Username</Table.Th>
                  <Table.Td>{me.username}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Td>{me.email}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Td>{me.account.name}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Groups</Table.Th>
                  <Table.Td>
                    <Group gap={4}>
                      {me.superuser && <Badge color="grape">superuser</Badge>}
                      {me.groups.map((g) => (
                        <Badge key={g.id} variant="light">
                          {g.name}
                        </Badge>
                      ))}
                      {me.readOnly && <Badge color="orange">read-only</Badge>}
                    </Group>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Warehouses</Table.Th>
                  <Table.Td>{me.warehouses === null ? 'All' : me.warehouses.length ? me.warehouses.map((w) => `#${w}`).join(', ') : 'None'}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Section>
          <ChangePassword />
        </SimpleGrid>
        <PersonalTokens />
        <ApiKey />
        <Sessions />
      </Stack>
    </>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title="Change password">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await post('/api/user/password/', { current_password: current, new_password: next });
            setCurrent('');
            setNext('');
            await attempt(async () => {}, 'Password changed.');
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack gap="sm">
          <ErrorNote error={error} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
          />
          <PasswordInput
            label="New password"
            description="At least 8 characters."
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            required
            minLength={8}
          />
          <Group>
            <Button type="submit">Change password</Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function PersonalTokens() {
  const tokens = useLoad(() => get<TokenMeta[]>('/api/user/tokens/'));
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(90);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title="Personal tokens" description="For scripts: send Authorization: Token <token>. A token is shown once, when it is made.">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const body: Record<string, unknown> = { name };
            if (days !== '' && Number(days) > 0) body.expiresIn = Math.round(Number(days) * 86400);
            const t = await post<TokenMeta & { token: string }>('/api/user/tokens/', body);
            setShown({ name: t.name, token: t.token });
            setName('');
            await tokens.reload();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Group align="flex-end" wrap="wrap" mb="sm">
          <TextInput label="Token name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={100} />
          <NumberInput label="Expires in (days)" description="Empty: never" value={days} onChange={setDays} min={1} max={3650} w={160} />
          <Button type="submit">Create token</Button>
        </Group>
        <ErrorNote error={error} />
      </form>
      <ShownOnce
        title={`Token “${shown?.name ?? ''}”`}
        note="Copy it now: it will not be shown again."
        secrets={shown && [{ label: 'Token', value: shown.token }]}
        onClose={() => setShown(null)}
      />
      <ListTable
        label="Personal tokens"
        columns={['Name', 'Token', 'Created', 'Expires', 'Last used', '']}
        error={tokens.error}
        loading={tokens.loading && !tokens.data}
        empty={tokens.data?.length === 0 ? 'No tokens yet.' : null}
      >
        {tokens.data?.map((t) => (
          <Table.Tr key={t.id}>
            <Table.Td>{t.name}</Table.Td>
            <Table.Td className="qm-secret">{t.hint}</Table.Td>
            <TokenCells token={t} onRevoke={() => void attempt(() => del(`/api/user/tokens/${t.id}`), 'Token revoked.').then(tokens.reload)} />
          </Table.Tr>
        ))}
      </ListTable>
    </Section>
  );
}

/** Seed 004: "API Access" → "Generate Keys" → a popup with the secret, shown once; the key stays visible. */
function ApiKey() {
  const key = useLoad(async () => {
    try {
      return await get<ApiKeyMeta>('/api/user/apikey/');
    } catch (err) {
      if ((err as { key?: string }).key === 'not_found') return null;
      throw err;
    }
  });
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const k = key.data;
  return (
    <Section
      title="API Access"
      description="An API key and secret: Authorization: token <api_key>:<api_secret>, or the pair as Basic credentials. Requests made with them are logged against you."
    >
      <ErrorNote error={key.error} />
      <Stack gap="sm">
        {k ? (
          <>
            <TextInput label="API Key" value={k.api_key} readOnly className="qm-secret" />
            <Text size="sm" c="dimmed">
              Created {fmtDate(k.created)}
              {k.rotated ? `, secret regenerated ${fmtDate(k.rotated)}` : ''}; last used{' '}
              {k.lastUsed ? `${fmtDate(k.lastUsed)} from ${k.lastUsedIp ?? '?'}` : 'never'}.
            </Text>
          </>
        ) : (
          !key.loading && <Text size="sm">No API key yet.</Text>
        )}
        <Group>
          <Button
            onClick={() =>
              void attempt(async () => {
                const r = await post<{ api_key: string; api_secret: string }>('/api/user/apikey/');
                setSecret(r.api_secret);
                await key.reload();
              })
            }
          >
            {k ? 'Regenerate secret' : 'Generate Keys'}
          </Button>
          {k && (
            <Button color="red" variant="light" onClick={() => setConfirmRevoke(true)}>
              Revoke API key
            </Button>
          )}
        </Group>
      </Stack>
      <ShownOnce
        title="API Secret"
        note="Copy this value and keep it somewhere safe (a password manager). It will not be shown again; the API key stays visible in this section."
        secrets={secret === null ? null : [{ label: 'API Secret', value: secret }]}
        onClose={() => setSecret(null)}
      />
      <ConfirmDialog
        opened={confirmRevoke}
        title="Revoke the API key?"
        confirm="Revoke"
        onCancel={() => setConfirmRevoke(false)}
        onConfirm={() => void attempt(() => del('/api/user/apikey/'), 'API key revoked.').then(() => (setConfirmRevoke(false), key.reload()))}
      >
        Scripts using it stop working at once.
      </ConfirmDialog>
    </Section>
  );
}

function Sessions() {
  const sessions = useLoad(() => get<SessionMeta[]>('/api/user/sessions/'));
  return (
    <Section title="Live sessions" description="Console sessions and PIN-login access tokens. End one you left open elsewhere.">
      <ListTable
        label="Live sessions"
        columns={['Kind', 'Started', 'Last used', 'Browser', '']}
        error={sessions.error}
        loading={sessions.loading && !sessions.data}
        empty={null}
      >
        {sessions.data?.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              {s.kind === 'cookie' ? 'console' : 'access token'} {s.current && <Badge size="sm">this one</Badge>}
            </Table.Td>
            <Table.Td>{fmtDate(s.created)}</Table.Td>
            <Table.Td>{s.lastUsed ? `${fmtDate(s.lastUsed)} from ${s.lastUsedIp ?? '?'}` : '—'}</Table.Td>
            <Table.Td>
              <Text size="xs" lineClamp={1} maw={260}>
                {s.userAgent ?? '—'}
              </Text>
            </Table.Td>
            <Table.Td>
              {!s.current && (
                <SmallDanger onClick={() => void attempt(() => del(`/api/user/sessions/${s.id}`), 'Session ended.').then(sessions.reload)}>End</SmallDanger>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
    </Section>
  );
}
