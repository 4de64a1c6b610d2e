import { useState } from 'react';
import { Button, NativeSelect, Table, TextInput } from '@mantine/core';
import { del, get, patch, post, type Page } from '../api';
import { TitleWithNew, RowActions, useBlocked } from '../inventory';
import { attempt, FormDialog, ListTable, Section, useLoad } from '../ui';

interface Category {
  categoryID: number;
  name: string;
  parentID: number | null;
}

/** Item categories, a tree: search, create, rename, move under another, delete (refused while in use). */
export function CategoriesPage() {
  const blockedFor = useBlocked();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const list = useLoad(() => get<Page<Category>>('/api/v1/Category', { q, pageSize: 200, sort: 'name' }), [q]);
  // Every category, for parent names and the parent choice.
  const all = useLoad(() => get<Page<Category>>('/api/v1/Category', { pageSize: 500, sort: 'name' }).then((p) => p.value));
  const name = (id: number | null) => (id === null ? '—' : (all.data?.find((c) => c.categoryID === id)?.name ?? `#${id}`));
  const reload = () => Promise.all([list.reload(), all.reload()]);
  const addBlocked = blockedFor('category', 'add');
  const changeBlocked = blockedFor('category', 'change');
  const deleteBlocked = blockedFor('category', 'delete');
  return (
    <>
      <TitleWithNew create="New category" blocked={addBlocked} onCreate={() => setEditing('new')}>
        Categories
      </TitleWithNew>
      <Section title="Categories" description={list.data ? `${list.data.totalCount} categories` : undefined}>
        <TextInput label="Search categories" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={320} mb="sm" />
        <ListTable
          label="Categories"
          columns={['Name', 'Parent', '']}
          error={list.error}
          loading={list.loading && !list.data}
          empty={list.data?.value.length === 0 ? 'No categories.' : null}
        >
          {list.data?.value.map((c) => (
            <Table.Tr key={c.categoryID}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{name(c.parentID)}</Table.Td>
              <Table.Td>
                <RowActions
                  what={c.name}
                  changeBlocked={changeBlocked}
                  deleteBlocked={deleteBlocked}
                  onEdit={() => setEditing(c)}
                  onDelete={async () => {
                    await del(`/api/v1/Category/${c.categoryID}`);
                    await attempt(reload, `Category ${c.name} deleted.`);
                  }}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      {editing && (
        <CategoryForm
          category={editing === 'new' ? null : editing}
          all={all.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      )}
    </>
  );
}

function CategoryForm({ category, all, onClose, onSaved }: { category: Category | null; all: Category[]; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(category?.name ?? '');
  const [parent, setParent] = useState(category?.parentID ? String(category.parentID) : '');
  return (
    <FormDialog
      title={category ? `Edit ${category.name}` : 'New category'}
      onClose={onClose}
      submit={<Button type="submit">Save category</Button>}
      onSubmit={async () => {
        const body = { name: name.trim(), parentID: parent ? Number(parent) : null };
        if (category) await patch(`/api/v1/Category/${category.categoryID}`, body);
        else await post('/api/v1/Category', body);
        onSaved();
      }}
    >
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus />
      <NativeSelect
        label="Parent category"
        value={parent}
        onChange={(e) => setParent(e.currentTarget.value)}
        data={[
          { value: '', label: 'None (top level)' },
          ...all.filter((c) => c.categoryID !== category?.categoryID).map((c) => ({ value: String(c.categoryID), label: c.name })),
        ]}
      />
    </FormDialog>
  );
}
