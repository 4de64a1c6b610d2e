/**
 * The reports a group can grant one by one (`groups.reports`). The admin work exports the same list from
 * src/access/permissions.ts as REPORT_NAMES; until those branches meet, this module keeps its own copy.
 */
export const REPORT_NAMES = ['stock-levels', 'stock-valuation', 'low-stock', 'movement-history', 'order-summary'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
