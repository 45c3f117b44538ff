export * from './isolated-namespace';
export { QuotaPreset, QuotaValues, LimitRangeValues } from './quota';
