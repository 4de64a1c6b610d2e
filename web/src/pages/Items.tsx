import { useState } from 'react';
import { Badge, Button, NativeSelect, SimpleGrid, Switch, Table, TextInput } from '@mantine/core';
import { get, patch, post, type Page } from '../api';
import { EditButton, TitleWithNew } from '../inventory';
import { useSession } from '../session';
import { FormDialog, ListTable, Section, useLoad } from '../ui';

interface Item {
  partNo: number;
  shortID: string;
  description: string;
  unit: string;
  categoryID: number | null;
  active: boolean;
  cost: string | null;
  price: string | null;
  reorderPoint: string | null;
}

/** A read-only user sees the reason instead of a button that would only fail. */
export function writeBlocked(
  can: (r: string, a: 'view' | 'add' | 'change' | 'delete') => boolean,
  readOnly: boolean,
  ruleset: string,
  action: 'add' | 'change' | 'delete',
): string | null {
  if (readOnly) return 'Your user is read-only.';
  return can(ruleset, action) ? null : `You may not ${action === 'add' ? 'create' : action} ${ruleset}s.`;
}

export function ItemsPage() {
  const { can, me } = useSession();
  const [q, setQ] = useState('');
  const items = useLoad(() => get<Page<Item>>('/api/v1/Item', { q, pageSize: 50, sort: 'shortID' }), [q]);
  const [editing, setEditing] = useState<Item | 'new' | null>(null);
  // Category names for the table and the form (none when the user may not view categories).
  const categories = useLoad(() =>
    can('category', 'view') ? get<Page<Category>>('/api/v1/Category', { pageSize: 500, sort: 'name' }).then((p) => p.value) : Promise.resolve([]),
  );
  const categoryName = (id: number | null) => (id === null ? '—' : (categories.data?.find((c) => c.categoryID === id)?.name ?? `#${id}`));
  const addBlocked = writeBlocked(can, me?.readOnly ?? false, 'item', 'add');
  const changeBlocked = writeBlocked(can, me?.readOnly ?? false, 'item', 'change');
  return (
    <>
      <TitleWithNew create="New item" blocked={addBlocked} onCreate={() => setEditing('new')}>
        Items
      </TitleWithNew>
      <Section title="Catalogue" description={items.data ? `${items.data.totalCount} items` : undefined}>
        <TextInput label="Search items" placeholder="SKU or description" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={320} mb="sm" />
        <ListTable
          label="Items"
          columns={['SKU', 'Description', 'Category', 'Unit', { label: 'Price', right: true }, { label: 'Reorder at', right: true }, 'State', '']}
          error={items.error}
          loading={items.loading && !items.data}
          empty={null}
        >
          {items.data?.value.map((i) => (
            <Table.Tr key={i.partNo}>
              <Table.Td className="qm-secret">{i.shortID}</Table.Td>
              <Table.Td>{i.description}</Table.Td>
              <Table.Td>{categoryName(i.categoryID)}</Table.Td>
              <Table.Td>{i.unit}</Table.Td>
              <Table.Td ta="right">{i.price ?? '—'}</Table.Td>
              <Table.Td ta="right">{i.reorderPoint ?? '—'}</Table.Td>
              <Table.Td>
                {i.active ? (
                  <Badge variant="light" color="green">
                    active
                  </Badge>
                ) : (
                  <Badge color="gray">inactive</Badge>
                )}
              </Table.Td>
              <Table.Td>
                <EditButton what={i.shortID} blocked={changeBlocked} onClick={() => setEditing(i)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      {editing && (
        <ItemForm
          item={editing === 'new' ? null : editing}
          categories={categories.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), void items.reload())}
        />
      )}
    </>
  );
}

interface Category {
  categoryID: number;
  name: string;
}

function ItemForm({ item, categories, onClose, onSaved }: { item: Item | null; categories: Category[]; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState({
    shortID: item?.shortID ?? '',
    description: item?.description ?? '',
    unit: item?.unit ?? 'pcs',
    categoryID: item?.categoryID ? String(item.categoryID) : '',
    price: item?.price ?? '',
    cost: item?.cost ?? '',
    reorderPoint: item?.reorderPoint ?? '',
    active: item?.active ?? true,
  });
  return (
    <FormDialog
      title={item ? `Edit ${item.shortID}` : 'New item'}
      onClose={onClose}
      submit={<Button type="submit">Save item</Button>}
      onSubmit={async () => {
        const body = {
          shortID: f.shortID,
          description: f.description,
          unit: f.unit,
          active: f.active,
          ...(f.categoryID || item?.categoryID ? { categoryID: f.categoryID ? Number(f.categoryID) : null } : {}),
          ...(f.price ? { price: f.price } : {}),
          ...(f.cost ? { cost: f.cost } : {}),
          ...(f.reorderPoint ? { reorderPoint: f.reorderPoint } : {}),
        };
        if (item) await patch(`/api/v1/Item/${item.partNo}`, body);
        else await post('/api/v1/Item', body);
        onSaved();
      }}
    >
      <SimpleGrid cols={2}>
        <TextInput label="SKU" value={f.shortID} onChange={(e) => setF({ ...f, shortID: e.currentTarget.value })} required data-autofocus />
        <TextInput label="Unit" value={f.unit} onChange={(e) => setF({ ...f, unit: e.currentTarget.value })} />
      </SimpleGrid>
      <TextInput label="Description" value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} required />
      {categories.length > 0 && (
        <NativeSelect
          label="Category"
          value={f.categoryID}
          onChange={(e) => setF({ ...f, categoryID: e.currentTarget.value })}
          data={[{ value: '', label: 'None' }, ...categories.map((c) => ({ value: String(c.categoryID), label: c.name }))]}
        />
      )}
      <SimpleGrid cols={3}>
        <TextInput label="Price" inputMode="decimal" value={f.price} onChange={(e) => setF({ ...f, price: e.currentTarget.value })} />
        <TextInput label="Cost" inputMode="decimal" value={f.cost} onChange={(e) => setF({ ...f, cost: e.currentTarget.value })} />
        <TextInput label="Reorder point" inputMode="decimal" value={f.reorderPoint} onChange={(e) => setF({ ...f, reorderPoint: e.currentTarget.value })} />
      </SimpleGrid>
      <Switch label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
    </FormDialog>
  );
}
