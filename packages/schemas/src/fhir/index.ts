/** FHIR R4 imports: the streaming reader, the mapping to import records, the code maps. */
export * from './code-maps';
export * from './map';
export * from './stream';
