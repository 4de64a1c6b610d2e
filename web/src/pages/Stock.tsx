import { useState } from 'react';
import { Button, Group, NativeSelect, SegmentedControl, Stack, Table, TextInput } from '@mantine/core';
import { errorText, get, post, type Page } from '../api';
import { useSession } from '../session';
import { attempt, ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';
import { writeBlocked } from './Items';

interface Level {
  partNo: number;
  wID: number;
  shortID: string;
  description: string;
  onHand: string;
  reserved: string;
  available: string;
}
interface Warehouse {
  wID: number;
  code: string;
  name: string;
}

type Kind = 'Receive' | 'Issue' | 'Move' | 'Adjust';

/** Stock levels per warehouse (only the warehouses the user may use) and the four stock transactions. */
export function StockPage() {
  const { can, me } = useSession();
  const [wID, setWID] = useState('');
  const warehouses = useLoad(() => get<Page<Warehouse>>('/api/v1/Warehouse', { pageSize: 500 }));
  const levels = useLoad(() => get<Page<Level>>('/api/v1/Inventory/StockLevels', { wID: wID || undefined, pageSize: 100 }), [wID]);
  const blocked = writeBlocked(can, me?.readOnly ?? false, 'stock', 'change');
  const whName = (id: number) => warehouses.data?.value.find((w) => w.wID === id)?.code ?? `#${id}`;
  return (
    <>
      <PageTitle>Stock</PageTitle>
      <Stack gap="lg">
        <Section title="Stock levels">
          <NativeSelect
            label="Warehouse"
            value={wID}
            onChange={(e) => setWID(e.currentTarget.value)}
            data={[
              { value: '', label: 'All my warehouses' },
              ...(warehouses.data?.value ?? []).map((w) => ({ value: String(w.wID), label: `${w.code} · ${w.name}` })),
            ]}
            maw={320}
            mb="sm"
          />
          <ErrorNote error={levels.error ?? warehouses.error} />
          <div className="qm-table-wrap">
            <Table striped aria-label="Stock levels">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>SKU</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>Warehouse</Table.Th>
                  <Table.Th ta="right">On hand</Table.Th>
                  <Table.Th ta="right">Reserved</Table.Th>
                  <Table.Th ta="right">Available</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {levels.data?.value.map((l) => (
                  <Table.Tr key={`${l.partNo}-${l.wID}`}>
                    <Table.Td className="qm-secret">{l.shortID}</Table.Td>
                    <Table.Td>{l.description}</Table.Td>
                    <Table.Td>{whName(l.wID)}</Table.Td>
                    <Table.Td ta="right">{l.onHand}</Table.Td>
                    <Table.Td ta="right">{l.reserved}</Table.Td>
                    <Table.Td ta="right">{l.available}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        </Section>
        <Transaction warehouses={warehouses.data?.value ?? []} blocked={blocked} onDone={levels.reload} />
      </Stack>
    </>
  );
}

function Transaction({ warehouses, blocked, onDone }: { warehouses: Warehouse[]; blocked: string | null; onDone: () => Promise<void> }) {
  const [kind, setKind] = useState<Kind>('Receive');
  const [f, setF] = useState({ partNo: '', wID: '', toWID: '', spot: '', units: '', reason: '' });
  const [error, setError] = useState<string | null>(null);
  const whs = [{ value: '', label: 'Choose…' }, ...warehouses.map((w) => ({ value: String(w.wID), label: `${w.code} · ${w.name}` }))];
  const body = () => {
    const partNo = Number(f.partNo);
    if (kind === 'Move') return { partNo, fromWID: Number(f.wID), toWID: Number(f.toWID), units: f.units, ...(f.spot ? { toSpot: f.spot } : {}) };
    if (kind === 'Adjust') return { partNo, wID: Number(f.wID), delta: f.units, reason: f.reason || 'count' };
    return { partNo, wID: Number(f.wID), units: f.units, ...(kind === 'Receive' && f.spot ? { spot: f.spot } : {}) };
  };
  return (
    <Section title="Stock transaction" description="Receive into a warehouse, issue out, move between warehouses, or adjust a count (a signed change).">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await post(`/api/v1/Inventory/${kind}`, body());
            await attempt(onDone, `${kind} done.`);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack gap="sm">
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as Kind)}
            data={['Receive', 'Issue', 'Move', 'Adjust']}
            aria-label="Transaction"
            disabled={blocked !== null}
          />
          <Group wrap="wrap" align="flex-end">
            <TextInput
              label="Item number (partNo)"
              value={f.partNo}
              onChange={(e) => setF({ ...f, partNo: e.currentTarget.value })}
              required
              w={170}
              disabled={blocked !== null}
            />
            <NativeSelect
              label={kind === 'Move' ? 'From warehouse' : 'Warehouse'}
              data={whs}
              value={f.wID}
              onChange={(e) => setF({ ...f, wID: e.currentTarget.value })}
              required
              disabled={blocked !== null}
            />
            {kind === 'Move' && (
              <NativeSelect
                label="To warehouse"
                data={whs}
                value={f.toWID}
                onChange={(e) => setF({ ...f, toWID: e.currentTarget.value })}
                required
                disabled={blocked !== null}
              />
            )}
            {(kind === 'Receive' || kind === 'Move') && (
              <TextInput label="Bin" value={f.spot} onChange={(e) => setF({ ...f, spot: e.currentTarget.value })} w={110} disabled={blocked !== null} />
            )}
            <TextInput
              label={kind === 'Adjust' ? 'Change (±units)' : 'Units'}
              inputMode="decimal"
              value={f.units}
              onChange={(e) => setF({ ...f, units: e.currentTarget.value })}
              required
              w={130}
              disabled={blocked !== null}
            />
            {kind === 'Adjust' && (
              <TextInput label="Reason" value={f.reason} onChange={(e) => setF({ ...f, reason: e.currentTarget.value })} disabled={blocked !== null} />
            )}
            <Why reason={blocked}>
              <Button type="submit" disabled={blocked !== null}>
                {kind}
              </Button>
            </Why>
          </Group>
          <ErrorNote error={error} />
        </Stack>
      </form>
    </Section>
  );
}
