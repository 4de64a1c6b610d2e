import { useState } from 'react';
import { Badge, Button, SimpleGrid, Switch, Table, Textarea, TextInput } from '@mantine/core';
import { del, get, patch, post, type Page } from '../api';
import { ActiveFilter, FilterBar, TitleWithNew, RowActions, useBlocked, type Customer } from '../inventory';
import { attempt, FormDialog, ListTable, Section, useLoad } from '../ui';

/** Customers: search, create, edit, deactivate, delete (refused while they have orders). */
export function CustomersPage() {
  const blockedFor = useBlocked();
  const [q, setQ] = useState('');
  const [active, setActive] = useState('');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const list = useLoad(() => get<Page<Customer>>('/api/v1/Customer', { q, active: active || undefined, pageSize: 200, sort: 'name' }), [q, active]);
  const addBlocked = blockedFor('customer', 'add');
  const changeBlocked = blockedFor('customer', 'change');
  const deleteBlocked = blockedFor('customer', 'delete');
  return (
    <>
      <TitleWithNew create="New customer" blocked={addBlocked} onCreate={() => setEditing('new')}>
        Customers
      </TitleWithNew>
      <Section title="Customers" description={list.data ? `${list.data.totalCount} customers` : undefined}>
        <FilterBar>
          <TextInput label="Search customers" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} />
          <ActiveFilter value={active} onChange={setActive} />
        </FilterBar>
        <ListTable
          label="Customers"
          columns={['Name', 'Email', 'Phone', 'State', '']}
          error={list.error}
          loading={list.loading && !list.data}
          empty={list.data?.value.length === 0 ? 'No customers.' : null}
        >
          {list.data?.value.map((c) => (
            <Table.Tr key={c.customerID}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.email ?? '—'}</Table.Td>
              <Table.Td>{c.phone ?? '—'}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={c.active ? 'green' : 'gray'}>
                  {c.active ? 'active' : 'inactive'}
                </Badge>
              </Table.Td>
              <Table.Td>
                <RowActions
                  what={c.name}
                  changeBlocked={changeBlocked}
                  deleteBlocked={deleteBlocked}
                  onEdit={() => setEditing(c)}
                  onDelete={async () => {
                    await del(`/api/v1/Customer/${c.customerID}`);
                    await attempt(list.reload, `Customer ${c.name} deleted.`);
                  }}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      {editing && (
        <CustomerForm
          customer={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      )}
    </>
  );
}

function CustomerForm({ customer, onClose, onSaved }: { customer: Customer | null; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState({
    name: customer?.name ?? '',
    email: customer?.email ?? '',
    phone: customer?.phone ?? '',
    address: customer?.address ?? '',
    active: customer?.active ?? true,
  });
  return (
    <FormDialog
      title={customer ? `Edit ${customer.name}` : 'New customer'}
      onClose={onClose}
      submit={<Button type="submit">Save customer</Button>}
      onSubmit={async () => {
        const body = {
          name: f.name.trim(),
          email: f.email.trim() || null,
          phone: f.phone.trim() || null,
          address: f.address.trim() || null,
          active: f.active,
        };
        if (customer) await patch(`/api/v1/Customer/${customer.customerID}`, body);
        else await post('/api/v1/Customer', body);
        onSaved();
      }}
    >
      <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} required maxLength={200} data-autofocus />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Email" type="email" value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} maxLength={254} />
        <TextInput label="Phone" type="tel" value={f.phone} onChange={(e) => setF({ ...f, phone: e.currentTarget.value })} maxLength={50} />
      </SimpleGrid>
      <Textarea label="Address" value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} autosize minRows={2} maxLength={1000} />
      <Switch label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
    </FormDialog>
  );
}
