/** The rulesets a permission group grants actions on, and the actions. */
export const RULESETS = ['item', 'category', 'warehouse', 'stock', 'order', 'customer', 'report', 'user', 'app'] as const;
export const ACTIONS = ['view', 'add', 'change', 'delete'] as const;
export type Ruleset = (typeof RULESETS)[number];
export type Action = (typeof ACTIONS)[number];

/** Rights as one bitmask per ruleset: checking and intersecting them costs a few integer operations. */
export type Rights = Readonly<Record<Ruleset, number>>;
export const ACTION_BIT: Readonly<Record<Action, number>> = { view: 1, add: 2, change: 4, delete: 8 };
export const ALL_ACTIONS = 15;

export function emptyRights(): Record<Ruleset, number> {
  return { item: 0, category: 0, warehouse: 0, stock: 0, order: 0, customer: 0, report: 0, user: 0, app: 0 };
}

export function fullRights(): Rights {
  const r = emptyRights();
  for (const rs of RULESETS) r[rs] = ALL_ACTIONS;
  return r;
}

export function intersectRights(a: Rights, b: Rights): Rights {
  const r = emptyRights();
  for (const rs of RULESETS) r[rs] = a[rs] & b[rs];
  return r;
}

export function unionInto(target: Record<Ruleset, number>, permissions: Record<string, readonly string[]>): void {
  for (const rs of RULESETS) {
    for (const action of permissions[rs] ?? []) {
      const bit = ACTION_BIT[action as Action];
      if (bit) target[rs] |= bit;
    }
  }
}

export function can(rights: Rights, ruleset: Ruleset, action: Action): boolean {
  return (rights[ruleset] & ACTION_BIT[action]) !== 0;
}

/** Rights → `{ruleset: [actions]}`, the shape groups are stored and shown in. */
export function describeRights(rights: Rights): Record<Ruleset, Action[]> {
  const out = {} as Record<Ruleset, Action[]>;
  for (const rs of RULESETS) out[rs] = ACTIONS.filter((a) => rights[rs] & ACTION_BIT[a]);
  return out;
}

/** The reports a group may grant, by name (SPEC §2); a group's `reports` lists some of these. */
export const REPORT_NAMES = ['stock-levels', 'stock-valuation', 'low-stock', 'movement-history', 'order-summary'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

const all = [...ACTIONS];
const view = ['view'];
const work = ['view', 'add', 'change'];

/** The groups every account starts with. Their `builtin` key survives renaming. */
export const BUILTIN_GROUPS: Record<'owner' | 'manager' | 'staff' | 'read-only', Record<Ruleset, string[]>> = {
  owner: { item: all, category: all, warehouse: all, stock: all, order: all, customer: all, report: all, user: all, app: all },
  manager: { item: all, category: all, warehouse: all, stock: all, order: all, customer: all, report: all, user: view, app: all },
  staff: { item: work, category: view, warehouse: view, stock: work, order: work, customer: work, report: view, user: [], app: [] },
  'read-only': { item: view, category: view, warehouse: view, stock: view, order: view, customer: view, report: view, user: [], app: [] },
};

/** The reports each built-in group grants (seed 001 "report access"): valuation and order figures stay with management. */
export const BUILTIN_REPORTS: Record<keyof typeof BUILTIN_GROUPS, ReportName[]> = {
  owner: [...REPORT_NAMES],
  manager: [...REPORT_NAMES],
  staff: ['stock-levels', 'low-stock', 'movement-history'],
  'read-only': ['stock-levels', 'low-stock'],
};
