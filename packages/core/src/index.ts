export * from './anemia';
export * from './dates';
export * from './growth';
export * from './identity';
export * from './ids';
export * from './names';
export * from './pathway';
export * from './rules';
