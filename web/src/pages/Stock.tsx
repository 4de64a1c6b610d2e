import { useState } from 'react';
import { Button, Group, NativeSelect, SegmentedControl, Stack, Table, TextInput } from '@mantine/core';
import { errorText, get, post, type Page } from '../api';
import { attempt, ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';
import { BinPicker, ItemPicker, useBlocked, WarehouseSelect, type Warehouse } from '../inventory';

interface Level {
  partNo: number;
  wID: number;
  shortID: string;
  description: string;
  onHand: string;
  reserved: string;
  available: string;
}

type Kind = 'Receive' | 'Issue' | 'Move' | 'Adjust';

/** Stock levels per warehouse (only the warehouses the user may use) and the four stock transactions. */
export function StockPage() {
  const blockedFor = useBlocked();
  const [wID, setWID] = useState('');
  const warehouses = useLoad(() => get<Page<Warehouse>>('/api/v1/Warehouse', { pageSize: 500 }));
  const levels = useLoad(() => get<Page<Level>>('/api/v1/Inventory/StockLevels', { wID: wID || undefined, pageSize: 100 }), [wID]);
  const blocked = blockedFor('stock', 'change');
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

interface LotChoice {
  recNo: number;
  spot: string;
  serial: string | null;
  units: string;
  onHold: boolean;
}

function Transaction({ warehouses, blocked, onDone }: { warehouses: Warehouse[]; blocked: string | null; onDone: () => Promise<void> }) {
  const [kind, setKind] = useState<Kind>('Receive');
  const [partNo, setPartNo] = useState<number | null>(null);
  const [wID, setWID] = useState<number | null>(null);
  const [toWID, setToWID] = useState<number | null>(null);
  const [f, setF] = useState({ spot: '', fromSpot: '', serial: '', units: '', reason: '', remark: '', recNo: '' });
  const [error, setError] = useState<string | null>(null);
  const off = blocked !== null;
  // Adjust corrects one lot: the lots of the chosen item in the chosen warehouse.
  const lots = useLoad(
    async () =>
      kind === 'Adjust' && partNo !== null && wID !== null
        ? (await get<Page<LotChoice>>('/api/v1/Inventory', { partNo, wID, empty: false, pageSize: 100 })).value
        : [],
    [kind, partNo, wID],
  );
  const remark = f.remark.trim() ? { remark: f.remark.trim() } : {};
  const body = () => {
    if (kind === 'Move')
      return { partNo, fromWID: wID, toWID, units: f.units, ...(f.fromSpot ? { fromSpot: f.fromSpot } : {}), ...(f.spot ? { toSpot: f.spot } : {}), ...remark };
    if (kind === 'Adjust') return { recNo: Number(f.recNo), units: f.units, reason: f.reason.trim() || 'count', ...remark };
    if (kind === 'Issue') return { partNo, wID, units: f.units, ...remark };
    return { partNo, wID, units: f.units, ...(f.spot ? { spot: f.spot } : {}), ...(f.serial.trim() ? { serial: f.serial.trim() } : {}), ...remark };
  };
  return (
    <Section
      title="Stock transaction"
      description="Receive into a warehouse bin, issue out (oldest lots first), move between warehouses or bins, or correct a lot after a count."
    >
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          if (partNo === null) return setError('Pick an item.');
          if (wID === null) return setError('Choose a warehouse.');
          if (kind === 'Move' && toWID === null) return setError('Choose the warehouse to move to.');
          if (kind === 'Adjust' && !f.recNo) return setError('Choose the lot that was counted.');
          try {
            await post(`/api/v1/Inventory/${kind}`, body());
            setF({ ...f, units: '', serial: '', recNo: '' });
            await attempt(async () => Promise.all([onDone(), lots.reload()]), `${kind} done.`);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack gap="sm">
          <SegmentedControl value={kind} onChange={(v) => setKind(v)} data={['Receive', 'Issue', 'Move', 'Adjust']} aria-label="Transaction" disabled={off} />
          <Group wrap="wrap" align="flex-end">
            <ItemPicker label="Item" value={partNo} onChange={(id) => setPartNo(id)} required disabled={off} w={280} />
            <WarehouseSelect
              label={kind === 'Move' ? 'From warehouse' : 'Warehouse'}
              warehouses={warehouses}
              value={wID}
              onChange={setWID}
              required
              disabled={off}
            />
            {kind === 'Move' && (
              <BinPicker label="From bin" wID={wID} value={f.fromSpot} onChange={(v) => setF({ ...f, fromSpot: v })} disabled={off} w={130} />
            )}
            {kind === 'Move' && <WarehouseSelect label="To warehouse" warehouses={warehouses} value={toWID} onChange={setToWID} required disabled={off} />}
            {(kind === 'Receive' || kind === 'Move') && (
              <BinPicker
                label={kind === 'Move' ? 'To bin' : 'Bin'}
                wID={kind === 'Move' ? toWID : wID}
                value={f.spot}
                onChange={(v) => setF({ ...f, spot: v })}
                disabled={off}
                w={130}
              />
            )}
            {kind === 'Adjust' && (
              <NativeSelect
                label="Lot"
                value={f.recNo}
                onChange={(e) => setF({ ...f, recNo: e.currentTarget.value })}
                data={[
                  { value: '', label: partNo === null || wID === null ? 'Pick item and warehouse' : lots.data?.length ? 'Choose…' : 'No lots here' },
                  ...(lots.data ?? []).map((l) => ({
                    value: String(l.recNo),
                    label: `#${l.recNo} · ${l.spot || 'no bin'}${l.serial ? ` · ${l.serial}` : ''} · ${l.units}${l.onHold ? ' · on hold' : ''}`,
                  })),
                ]}
                required
                disabled={off}
              />
            )}
            <TextInput
              label={kind === 'Adjust' ? 'Counted units' : 'Units'}
              inputMode="decimal"
              value={f.units}
              onChange={(e) => setF({ ...f, units: e.currentTarget.value })}
              required
              w={130}
              disabled={off}
            />
            {kind === 'Receive' && (
              <TextInput label="Serial / lot number" value={f.serial} onChange={(e) => setF({ ...f, serial: e.currentTarget.value })} w={170} disabled={off} />
            )}
            {kind === 'Adjust' && <TextInput label="Reason" value={f.reason} onChange={(e) => setF({ ...f, reason: e.currentTarget.value })} disabled={off} />}
            <TextInput label="Remark" value={f.remark} onChange={(e) => setF({ ...f, remark: e.currentTarget.value })} disabled={off} />
            <Why reason={blocked}>
              <Button type="submit" disabled={off}>
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
