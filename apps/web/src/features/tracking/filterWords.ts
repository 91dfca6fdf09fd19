import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../../i18n';
import { useTerritories } from '../registry/api';
import { useHealthFacilities, usePathways } from './api';
import { labelText } from './labels';
import type { RosterFilterValues } from './rosterParams';

/** The name of a territory of any level, read from the list of its siblings (usually cached). */
function useTerritoryName(code: string): string | null {
  const parent = code.length <= 2 ? null : code.slice(0, code.length === 10 ? 6 : code.length - 2);
  const siblings = useTerritories(parent, code !== '');
  if (!code) return null;
  return siblings.data?.find((territory) => territory.code === code)?.name ?? code;
}

/** The filters of a roster in words, for the title of a printed list: "Rojo · Vinchos · Anemia". */
export function useFilterWords(filters: RosterFilterValues): string[] {
  const { t } = useTranslation();
  const locale = useLocale();
  const territory = useTerritoryName(filters.territory);
  const facilities = useHealthFacilities(filters.territory, filters.facility !== '');
  const pathways = usePathways();
  return useMemo(() => {
    const words: string[] = [];
    if (filters.light) words.push(t(`light.${filters.light}`));
    if (territory) words.push(territory);
    if (filters.facility)
      words.push(facilities.data?.find((f) => f.id === filters.facility)?.name ?? t('roster.facility'));
    if (filters.subject) words.push(t(`subject.${filters.subject}`));
    if (filters.ageBand) words.push(t(`ageBand.${filters.ageBand}`));
    if (filters.overdueItem) {
      const item = (pathways.data ?? []).flatMap((p) => p.items).find((i) => i.id === filters.overdueItem);
      words.push(`${t('roster.overdueItem')}: ${item ? labelText(item.label, locale) : filters.overdueItem}`);
    }
    if (filters.risk) words.push(t(`risk.${filters.risk}`));
    return words;
  }, [filters, territory, facilities.data, pathways.data, t, locale]);
}
