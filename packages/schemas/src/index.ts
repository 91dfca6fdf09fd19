export * from './access';
export * from './audit';
export * from './common';
export * from './errors';
export * from './household';
export * from './person';
export * from './territory';
