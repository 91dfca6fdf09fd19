export * from './config-file';
export * from './environment';
