export * from './accounts.js';
export * from './users.js';
export * from './warehouses.js';
export * from './credentials.js';
export * from './audit.js';
export * from './items.js';
export * from './oauth.js';
