import 'i18next';
import type esPE from './es-PE.json';

// Translation keys are checked at compile time against the Spanish file; i18n.test.ts keeps
// the English file's keys the same.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof esPE };
  }
}
