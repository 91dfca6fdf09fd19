import { Select, SimpleGrid } from '@mantine/core';
import type { Territory } from '@tejido/schemas';
import { useTranslation } from 'react-i18next';
import { useTerritories } from './api';
import { territoryChain } from './searchParams';

type TerritoryList = ReturnType<typeof useTerritories>;

/** The only territory of a list, when the caller's scope leaves no choice at that level. */
function soleCode(list: TerritoryList): string | null {
  return list.data?.length === 1 ? (list.data[0]?.code ?? null) : null;
}

interface LevelProps {
  label: string;
  list: TerritoryList;
  /** Whether the level above has a territory (regions have none above them). */
  ready: boolean;
  /** What to say while the level above is not chosen. */
  waiting?: string;
  /** The territory chosen at this level, if any. */
  selected: string | null;
  /** The only territory at this level, shown as chosen and not changeable. */
  sole: string | null;
  onChange: (code: string | null) => void;
}

function TerritoryLevel({ label, list, ready, waiting, selected, sole, onChange }: LevelProps) {
  const { t } = useTranslation();
  const data = (list.data ?? []).map((territory: Territory) => ({
    value: territory.code,
    label: territory.name,
  }));
  const value = selected ?? sole;
  // A selection from the address that the list does not hold still shows its code, not a blank.
  if (value && !list.isPending && !data.some((d) => d.value === value)) data.push({ value, label: value });
  const fixed = selected === null && sole !== null;
  return (
    <Select
      label={label}
      placeholder={ready ? t('territory.all') : waiting}
      data={data}
      value={value}
      onChange={onChange}
      disabled={!ready || fixed}
      searchable
      clearable={!fixed}
      nothingFoundMessage={list.isPending ? t('common.loading') : t('territory.noneFound')}
      error={list.isError ? t('territory.loadFailed') : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/**
 * Region → province → district → village. The filter is one territory code; choosing a
 * level keeps the levels above and clears those below. The server lists only what the
 * caller's scope reaches, so a district coordinator finds region, province and district
 * already set (the only ones there are) and chooses among the villages.
 */
export function TerritoryFilter({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const { t } = useTranslation();
  const chain = territoryChain(value);

  const regions = useTerritories(null);
  const regionSole = chain.region ? null : soleCode(regions);
  const region = chain.region ?? regionSole;

  const provinces = useTerritories(region, region !== null);
  const provinceSole = region && !chain.province ? soleCode(provinces) : null;
  const province = chain.province ?? provinceSole;

  const districts = useTerritories(province, province !== null);
  const districtSole = province && !chain.district ? soleCode(districts) : null;
  const district = chain.district ?? districtSole;

  const villages = useTerritories(district, district !== null);

  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
      <TerritoryLevel
        label={t('territory.region')}
        list={regions}
        ready
        selected={chain.region}
        sole={regionSole}
        onChange={(code) => onChange(code ?? '')}
      />
      <TerritoryLevel
        label={t('territory.province')}
        list={provinces}
        ready={region !== null}
        waiting={t('territory.chooseRegion')}
        selected={chain.province}
        sole={provinceSole}
        onChange={(code) => onChange(code ?? chain.region ?? '')}
      />
      <TerritoryLevel
        label={t('territory.district')}
        list={districts}
        ready={province !== null}
        waiting={t('territory.chooseProvince')}
        selected={chain.district}
        sole={districtSole}
        onChange={(code) => onChange(code ?? chain.province ?? '')}
      />
      <TerritoryLevel
        label={t('territory.village')}
        list={villages}
        ready={district !== null}
        waiting={t('territory.chooseDistrict')}
        selected={chain.village}
        sole={null}
        onChange={(code) => onChange(code ?? chain.district ?? '')}
      />
    </SimpleGrid>
  );
}
