import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Autocomplete, Button, Group, Modal, NativeSelect, Select, Stack, Text } from '@mantine/core';
import { errorText, get, type Page } from './api';
import { useSession, type Action } from './session';
import { ErrorNote, PageTitle, useLoad, Why } from './ui';

/** Shared pieces of the inventory screens: who may do what where, and pickers backed by the API's lists. */

export interface ItemRef {
  partNo: number;
  shortID: string;
  description: string;
  unit: string;
}
export interface Warehouse {
  wID: number;
  code: string;
  name: string;
  address: string | null;
  active: boolean;
}
export interface Customer {
  customerID: number;
  name: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  active: boolean;
}

const NOUNS: Record<string, string> = {
  item: 'items',
  category: 'categories',
  warehouse: 'warehouses',
  stock: 'stock',
  order: 'sales orders',
  customer: 'customers',
};
const VERBS: Record<Exclude<Action, 'view'>, string> = { add: 'create', change: 'change', delete: 'delete' };

/**
 * Why the API would refuse an action, or null when it would not: read-only users, missing permission, and a warehouse
 * outside the user's warehouses. Screens show such actions disabled, with this reason, instead of failing after the click.
 */
export function useBlocked() {
  const { can, me } = useSession();
  return (ruleset: string, action: Exclude<Action, 'view'>, wID?: number | null): string | null => {
    if (me?.readOnly) return 'Your user is read-only.';
    if (!can(ruleset, action)) return `You may not ${VERBS[action]} ${NOUNS[ruleset] ?? ruleset}.`;
    if (wID !== undefined && wID !== null && me?.warehouses && !me.warehouses.includes(wID)) return 'This warehouse is not one of yours.';
    return null;
  };
}

// ---------------------------------------------------------------- items by number

const items = new Map<number, ItemRef>();
const pending = new Map<number, Promise<void>>();

export function rememberItems(list: ItemRef[]) {
  for (const i of list) items.set(i.partNo, { partNo: i.partNo, shortID: i.shortID, description: i.description, unit: i.unit });
}

export const itemLabel = (i: ItemRef) => (i.description ? `${i.shortID} · ${i.description}` : i.shortID);

/** The items behind some item numbers (lots and order lines carry only the number), fetched once each. */
export function useItems(partNos: number[]): Map<number, ItemRef> {
  const [, bump] = useState(0);
  const key = [...new Set(partNos)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    const missing = key ? key.split(',').map(Number) : [];
    const wait = missing
      .filter((n) => !items.has(n))
      .map((n) => {
        let p = pending.get(n);
        if (!p) {
          p = get<ItemRef>(`/api/v1/Item/${n}`)
            .then((i) => rememberItems([i]))
            .catch(() => undefined)
            .finally(() => pending.delete(n));
          pending.set(n, p);
        }
        return p;
      });
    if (!wait.length) return;
    let live = true;
    void Promise.all(wait).then(() => live && bump((x) => x + 1));
    return () => {
      live = false;
    };
  }, [key]);
  return items;
}

export function itemName(map: Map<number, ItemRef>, partNo: number): string {
  return map.get(partNo)?.shortID ?? `#${partNo}`;
}

// ---------------------------------------------------------------- pickers

interface RemotePickerProps<T> {
  label: string;
  value: number | null;
  onChange: (id: number | null, row: T | null) => void;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
  w?: number | string;
  maw?: number | string;
  error?: string;
}

/** A searchable select whose options come from a list endpoint's `q=` search, as the user types. */
function RemotePicker<T>({
  search: fetchRows,
  idOf,
  labelOf,
  known,
  nothing,
  ...p
}: RemotePickerProps<T> & {
  search: (q: string) => Promise<T[]>;
  idOf: (row: T) => number;
  labelOf: (row: T) => string;
  known: (id: number) => T | undefined;
  nothing: string;
}) {
  const [text, setText] = useState('');
  const [rows, setRows] = useState<T[]>([]);
  const selected = p.value !== null ? (rows.find((r) => idOf(r) === p.value) ?? known(p.value)) : undefined;
  const selectedLabel = selected ? labelOf(selected) : '';
  useEffect(() => {
    // After a pick the search box shows the picked label: nothing to search for then.
    const q = text === selectedLabel ? '' : text.trim();
    let live = true;
    const timer = setTimeout(() => {
      fetchRows(q)
        .then((r) => live && setRows(r))
        .catch(() => live && setRows([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // fetchRows is a fresh closure on every render; the search text is what matters.
  }, [text, selectedLabel]);
  const data = useMemo(() => {
    const all = selected && !rows.some((r) => idOf(r) === idOf(selected)) ? [selected, ...rows] : rows;
    return all.map((r) => ({ value: String(idOf(r)), label: labelOf(r) }));
  }, [rows, selected, idOf, labelOf]);
  return (
    <Select
      label={p.label}
      placeholder={p.placeholder ?? 'Type to search'}
      searchable
      clearable={!p.required}
      required={p.required}
      disabled={p.disabled}
      data={data}
      value={p.value !== null ? String(p.value) : null}
      onChange={(v) => {
        const id = v ? Number(v) : null;
        const row = id !== null ? ([...rows, ...(selected ? [selected] : [])].find((r) => idOf(r) === id) ?? null) : null;
        p.onChange(id, row);
      }}
      searchValue={text}
      onSearchChange={setText}
      filter={({ options }) => options}
      nothingFoundMessage={nothing}
      w={p.w}
      maw={p.maw}
      error={p.error}
    />
  );
}

/** Pick an item by SKU or description (GET /api/v1/Item?q=…). */
export function ItemPicker(props: RemotePickerProps<ItemRef> & { activeOnly?: boolean }) {
  const { activeOnly = true, ...rest } = props;
  return (
    <RemotePicker<ItemRef>
      {...rest}
      search={async (q) => {
        const page = await get<Page<ItemRef>>('/api/v1/Item', { q: q || undefined, active: activeOnly ? true : undefined, pageSize: 20, sort: 'shortID' });
        rememberItems(page.value);
        return page.value;
      }}
      idOf={(i) => i.partNo}
      labelOf={itemLabel}
      known={(id) => items.get(id)}
      nothing="No item matches"
    />
  );
}

const customers = new Map<number, Customer>();

/** Pick a customer by name (GET /api/v1/Customer?q=…). */
export function CustomerPicker(props: RemotePickerProps<Customer>) {
  return (
    <RemotePicker<Customer>
      {...props}
      search={async (q) => {
        const page = await get<Page<Customer>>('/api/v1/Customer', { q: q || undefined, pageSize: 20, sort: 'name' });
        for (const c of page.value) customers.set(c.customerID, c);
        return page.value;
      }}
      idOf={(c) => c.customerID}
      labelOf={(c) => c.name}
      known={(id) => customers.get(id)}
      nothing="No customer matches"
    />
  );
}

/** The warehouses the user may use (the API lists no others). */
export function useWarehouses() {
  return useLoad(() => get<Page<Warehouse>>('/api/v1/Warehouse', { pageSize: 500, sort: 'code' }).then((p) => p.value));
}

export const warehouseLabel = (w: Warehouse) => `${w.code} · ${w.name}`;

export function warehouseCode(list: Warehouse[] | null, wID: number): string {
  return list?.find((w) => w.wID === wID)?.code ?? `#${wID}`;
}

/** A warehouse out of the user's warehouses: a native select, so it works the same with a keyboard and on phones. */
export function WarehouseSelect({
  label,
  value,
  onChange,
  warehouses,
  any,
  required,
  disabled,
  maw,
}: {
  label: string;
  value: number | null;
  onChange: (wID: number | null) => void;
  warehouses: Warehouse[];
  /** The empty choice's words ("All my warehouses"); without it the empty choice reads "Choose…". */
  any?: string;
  required?: boolean;
  disabled?: boolean;
  maw?: number | string;
}) {
  return (
    <NativeSelect
      label={label}
      value={value === null ? '' : String(value)}
      onChange={(e) => onChange(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
      data={[{ value: '', label: any ?? 'Choose…' }, ...warehouses.map((w) => ({ value: String(w.wID), label: warehouseLabel(w) }))]}
      required={required}
      disabled={disabled}
      maw={maw}
    />
  );
}

/** A bin of a warehouse: its known bins are offered, and any other spot may be typed. */
export function BinPicker({
  label = 'Bin',
  wID,
  value,
  onChange,
  disabled,
  w,
}: {
  label?: string;
  wID: number | null;
  value: string;
  onChange: (spot: string) => void;
  disabled?: boolean;
  w?: number | string;
}) {
  const [bins, setBins] = useState<string[]>([]);
  useEffect(() => {
    if (wID === null) return setBins([]);
    let live = true;
    get<{ spot: string }[]>(`/api/v1/Warehouse/${wID}/Bin`)
      .then((b) => live && setBins(b.map((x) => x.spot)))
      .catch(() => live && setBins([]));
    return () => {
      live = false;
    };
  }, [wID]);
  return (
    <Autocomplete
      label={label}
      data={bins}
      value={value}
      onChange={onChange}
      disabled={disabled}
      w={w}
      placeholder={bins.length ? 'Pick or type' : undefined}
    />
  );
}

/** A list's search and filter fields, in a row that wraps. */
export function FilterBar({ children }: { children: ReactNode }) {
  return (
    <Group align="flex-end" mb="sm" wrap="wrap">
      {children}
    </Group>
  );
}

/** The State filter of a list whose rows can be deactivated: any, active, inactive. */
export function ActiveFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <NativeSelect
      label="State"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={[
        { value: '', label: 'any' },
        { value: 'true', label: 'active' },
        { value: 'false', label: 'inactive' },
      ]}
      w={140}
    />
  );
}

/** A screen's title with its create button (`create` its words); disabled with the reason when the API would refuse. */
export function TitleWithNew({ create, blocked, onCreate, children }: { create: string; blocked: string | null; onCreate: () => void; children: ReactNode }) {
  return (
    <PageTitle
      right={
        <Why reason={blocked}>
          <Button onClick={onCreate} disabled={blocked !== null}>
            {create}
          </Button>
        </Why>
      }
    >
      {children}
    </PageTitle>
  );
}

/** A row's Edit button; disabled with the reason when the API would refuse. */
export function EditButton({ what, blocked, onClick }: { what: string; blocked: string | null; onClick: () => void }) {
  return (
    <Why reason={blocked}>
      <Button size="xs" variant="light" disabled={blocked !== null} onClick={onClick} aria-label={`Edit ${what}`}>
        Edit
      </Button>
    </Why>
  );
}

/** A row's Edit and Delete buttons (after any of its own, `children`). */
export function RowActions({
  what,
  changeBlocked,
  deleteBlocked,
  onEdit,
  onDelete,
  children,
}: {
  what: string;
  changeBlocked: string | null;
  deleteBlocked: string | null;
  onEdit: () => void;
  onDelete: () => Promise<unknown>;
  children?: ReactNode;
}) {
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      {children}
      <EditButton what={what} blocked={changeBlocked} onClick={onEdit} />
      <DeleteButton what={what} blocked={deleteBlocked} onDelete={onDelete} />
    </Group>
  );
}

/** A delete button that asks first; disabled with the reason when the API would refuse. */
export function DeleteButton({ what, blocked, onDelete }: { what: string; blocked: string | null; onDelete: () => Promise<unknown> }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Why reason={blocked}>
        <Button
          size="xs"
          variant="subtle"
          color="red"
          disabled={blocked !== null}
          onClick={() => (setError(null), setAsking(true))}
          aria-label={`Delete ${what}`}
        >
          Delete
        </Button>
      </Why>
      {asking && (
        <Modal opened onClose={() => setAsking(false)} title={`Delete ${what}?`}>
          <Stack>
            <Text size="sm">This cannot be undone. What still uses it keeps it from being deleted: deactivate it instead.</Text>
            <ErrorNote error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsking(false)} data-autofocus>
                Keep it
              </Button>
              <Button
                color="red"
                loading={busy}
                onClick={async () => {
                  setBusy(true);
                  try {
                    await onDelete();
                    setAsking(false);
                  } catch (err) {
                    setError(errorText(err));
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                Delete
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </>
  );
}
