import { useCallback, useEffect, useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  type ButtonProps,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { errorText } from './api';

/** Loads once and on demand; `error` holds the API's message. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // The caller names the dependencies of `load` (as with useEffect).
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await run());
      setError(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

/** Runs an action, shows its error as a notification, returns whether it worked. */
export async function attempt(fn: () => Promise<unknown>, done?: string): Promise<boolean> {
  try {
    await fn();
    if (done) notifications.show({ message: done, color: 'green' });
    return true;
  } catch (err) {
    notifications.show({ title: 'Not done', message: errorText(err), color: 'red' });
    return false;
  }
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function PageTitle({ children, right }: { children: ReactNode; right?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap">
      <Title order={2}>{children}</Title>
      {right}
    </Group>
  );
}

export function Section({ title, children, description, right }: { title: string; children: ReactNode; description?: ReactNode; right?: ReactNode }) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={3} size="h4">
          {title}
        </Title>
        {right}
      </Group>
      {description && (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      )}
      {children}
    </Card>
  );
}

export function ErrorNote({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" variant="light">
      {error}
    </Alert>
  );
}

export function Loading() {
  return <Loader size="sm" aria-label="Loading" />;
}

/** A secret shown once, with a copy button. */
export function Secret({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block className="qm-secret" style={{ flex: 1 }} data-secret={label}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'}>
              <ActionIcon variant="light" onClick={copy} aria-label={`Copy ${label}`}>
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/**
 * A dialog that shows secrets once (a new token, an API secret, a rotated client secret): a sentence that says so,
 * each secret with its copy button, anything else the caller adds, and Done. Open while `secrets` is not null.
 */
export function ShownOnce({
  title,
  note,
  secrets,
  onClose,
  children,
}: {
  title: string;
  note: ReactNode;
  secrets: { label: string; value: string }[] | null;
  onClose: () => void;
  children?: ReactNode;
}) {
  return (
    <Modal opened={secrets !== null} onClose={onClose} title={title} size="lg">
      {secrets && (
        <Stack>
          <Text size="sm">{note}</Text>
          {secrets.map((s) => (
            <Secret key={s.label} label={s.label} value={s.value} />
          ))}
          {children}
          <Button onClick={onClose}>Done</Button>
        </Stack>
      )}
    </Modal>
  );
}

/** A new client secret, in place: the secret with its copy button and the warning that it is shown only this once. */
export function ClientSecretOnce({ secret }: { secret: string }) {
  return (
    <>
      <Secret label="Client Secret" value={secret} />
      <Text size="sm" c="orange.8">
        Copy the client secret now: it is shown only this once.
      </Text>
    </>
  );
}

/** Asks before what cannot be undone: a sentence, Cancel, and the red button that does it. */
export function ConfirmDialog({
  opened,
  title,
  confirm,
  onCancel,
  onConfirm,
  children,
}: {
  opened: boolean;
  title: string;
  confirm: string;
  onCancel: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onCancel} title={title}>
      <Stack>
        <Text size="sm">{children}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm}>
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function YesNo({ value, yes, no }: { value: boolean; yes: string; no: string }) {
  return (
    <Badge color={value ? 'green' : 'gray'} variant="light">
      {value ? yes : no}
    </Badge>
  );
}

/** Why an action is disabled: a tooltip on a wrapper, since disabled buttons get no pointer events. */
export function Why({ reason, children }: { reason: string | null; children: ReactNode }) {
  if (!reason) return <>{children}</>;
  return (
    <Tooltip label={reason}>
      <span style={{ display: 'inline-block' }}>{children}</span>
    </Tooltip>
  );
}

/** A table's one row when it has none: a dimmed sentence across every column. */
export function EmptyRow({ cols, children }: { cols: number; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={cols}>
        <Text size="sm" c="dimmed">
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * A list as a table: its error, a loader until the first answer, the column heads, a dimmed sentence when the list is
 * empty (`empty` null: nothing to say), then the rows.
 */
export function ListTable({
  label,
  columns,
  error,
  loading,
  empty,
  children,
}: {
  label: string;
  /** A column's head, or its head aligned right (amounts). */
  columns: (string | { label: string; right: true })[];
  error: string | null;
  loading: boolean;
  empty: ReactNode | null;
  children: ReactNode;
}) {
  return (
    <>
      <ErrorNote error={error} />
      {loading ? (
        <Loading />
      ) : (
        <div className="qm-table-wrap">
          <Table striped highlightOnHover aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c, i) =>
                  typeof c === 'string' ? (
                    <Table.Th key={i}>{c}</Table.Th>
                  ) : (
                    <Table.Th key={i} ta="right">
                      {c.label}
                    </Table.Th>
                  ),
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {empty !== null && <EmptyRow cols={columns.length}>{empty}</EmptyRow>}
              {children}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </>
  );
}

/**
 * A create/edit dialog around a form: the fields, the error of the last try, then Cancel (or `close`) and the submit
 * button. `onSubmit` throws to show an error (the API's message, or a sentence of its own).
 */
export function FormDialog({
  opened = true,
  title,
  size,
  close = 'Cancel',
  submit,
  onClose,
  onSubmit,
  children,
}: {
  opened?: boolean;
  title: string;
  size?: string;
  close?: string;
  submit: ReactNode;
  onClose: () => void;
  onSubmit: () => Promise<unknown>;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await onSubmit();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          {children}
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {close}
            </Button>
            {submit}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A personal token's dates and its Revoke button: the end of a row in the token tables (yours, and a user's for admins). */
export function TokenCells({
  token: t,
  onRevoke,
}: {
  token: { name: string; created: string; expires: string | null; lastUsed: string | null; lastUsedIp: string | null };
  onRevoke: () => void;
}) {
  return (
    <>
      <Table.Td>{fmtDate(t.created)}</Table.Td>
      <Table.Td>{t.expires ? fmtDate(t.expires) : 'never'}</Table.Td>
      <Table.Td>{t.lastUsed ? `${fmtDate(t.lastUsed)} from ${t.lastUsedIp ?? '?'}` : 'never'}</Table.Td>
      <Table.Td>
        <SmallDanger aria-label={`Revoke token ${t.name}`} onClick={onRevoke}>
          Revoke
        </SmallDanger>
      </Table.Td>
    </>
  );
}

/** The small red button of a table row or a section (revoke, end, delete). */
export function SmallDanger(props: ButtonProps & Omit<ComponentPropsWithoutRef<'button'>, keyof ButtonProps>) {
  return <Button size="xs" color="red" variant="light" {...props} />;
}
