export { type ConnectOptions, connect, type Database, type Engine } from './connect';
export { loadMigrations, type Migration, MigrationError, migrate } from './migrate';
export * from './tables';
