import { Button, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { IconTable } from '@tabler/icons-react';
import type { GrowthPoint } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AppLocale,
  formatAge,
  formatDate,
  formatMeasure,
  formatNumber,
  formatZScore,
} from '../../app/format';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { type GrowthIndicatorName, useGrowthCurves } from './api';
import {
  ageTicks,
  type ChildPoint,
  childPoints,
  curvesInDomain,
  DAYS_PER_MONTH,
  DRAWN_SDS,
  linearScale,
  linePath,
  niceDomain,
  spreadLabels,
  xDomain,
  yDomain,
} from './chart';

/**
 * A WHO growth chart drawn by hand in SVG: the −3, −2, 0, +2 and +3 SD curves (told apart by
 * line style, not only colour), the child's measurements (implausible ones hollow), axes in
 * months or centimetres, a text summary for screen readers and the data as a table on demand.
 */

const STYLE = {
  median: { stroke: '#2b8a3e', width: 2.5, dash: undefined },
  sd2: { stroke: '#d9480f', width: 2, dash: '8 4' },
  sd3: { stroke: '#a61e4d', width: 1.5, dash: '2 3' },
  child: '#364fc7',
  grid: '#e9ecef',
  axis: '#495057',
  text: '#343a40',
} as const;

function sdStyle(sd: number) {
  if (sd === 0) return STYLE.median;
  return Math.abs(sd) === 2 ? STYLE.sd2 : STYLE.sd3;
}

/** Room around the plot for the axes and the curve names. */
const margin = { left: 44, right: 30, top: 10, bottom: 40 } as const;

const SD_LABEL: Record<number, string> = { [-3]: '\u22123', [-2]: '\u22122', 0: '0', 2: '+2', 3: '+3' };

function valueText(
  indicator: GrowthIndicatorName,
  point: ChildPoint,
  locale: AppLocale,
  t: TFunction,
): string {
  const y =
    indicator === 'lengthForAge'
      ? t('chart.cm', { value: formatMeasure(point.y, locale) })
      : t('chart.kg', { value: formatMeasure(point.y, locale) });
  return indicator === 'weightForLength'
    ? `${t('chart.cm', { value: formatMeasure(point.x, locale) })} · ${y}`
    : y;
}

interface ChartProps {
  indicator: GrowthIndicatorName;
  sex: 'female' | 'male';
  growth: GrowthPoint[];
  /** The child's age in days on the date viewed. */
  ageDays: number;
}

/** A line sample for the legend. */
function LegendLine({ stroke, width, dash }: { stroke: string; width: number; dash: string | undefined }) {
  return (
    <svg width="28" height="10" aria-hidden focusable="false">
      <line x1="1" y1="5" x2="27" y2="5" stroke={stroke} strokeWidth={width} strokeDasharray={dash} />
    </svg>
  );
}

function LegendPoint({ hollow }: { hollow?: boolean }) {
  return (
    <svg width="14" height="14" aria-hidden focusable="false">
      <circle
        cx="7"
        cy="7"
        r="4.5"
        fill={hollow ? '#fff' : STYLE.child}
        stroke={STYLE.child}
        strokeWidth={2}
      />
    </svg>
  );
}

function Legend({ withImplausible }: { withImplausible: boolean }) {
  const { t } = useTranslation();
  const item = (sample: ReactNode, label: string) => (
    <Group gap={4} wrap="nowrap" component="li">
      {sample}
      <Text size="xs">{label}</Text>
    </Group>
  );
  return (
    <Group
      gap="sm"
      component="ul"
      p={0}
      m={0}
      style={{ listStyle: 'none', rowGap: 4 }}
      aria-label={t('chart.legend')}
    >
      {item(<LegendLine {...STYLE.median} />, t('chart.median'))}
      {item(<LegendLine {...STYLE.sd2} />, t('chart.sd2'))}
      {item(<LegendLine {...STYLE.sd3} />, t('chart.sd3'))}
      {item(<LegendPoint />, t('chart.points'))}
      {withImplausible && item(<LegendPoint hollow />, t('chart.implausible'))}
    </Group>
  );
}

export function GrowthChart({ indicator, sex, growth, ageDays }: ChartProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const curves = useGrowthCurves(indicator, sex);
  const { ref, width: measured } = useElementSize();
  const [showTable, setShowTable] = useState(false);
  const points = useMemo(() => childPoints(indicator, growth), [indicator, growth]);
  const title = t(`chart.${indicator}`);
  const byAge = indicator !== 'weightForLength';

  const width = Math.max(260, Math.round(measured || 480));
  const height = Math.round(Math.min(340, Math.max(220, width * 0.62)));

  const geometry = useMemo(() => {
    if (!curves.data) return null;
    const xd = xDomain(curves.data, points, ageDays);
    const shown = curvesInDomain(curves.data, xd, Math.min(200, Math.round(width / 3)));
    const y = yDomain(shown, points, xd, height < 260 ? 5 : 7);
    const sx = linearScale(xd, [margin.left, width - margin.right]);
    const sy = linearScale(y.domain, [height - margin.bottom, margin.top]);
    const xTicks = byAge
      ? ageTicks(xd).map((tick) => ({ at: tick.days, label: String(tick.months) }))
      : niceDomain(xd[0], xd[1], Math.max(4, Math.round(width / 70)))
          .ticks.filter((v) => v >= xd[0] && v <= xd[1])
          .map((v) => ({ at: v, label: formatNumber(v, locale) }));
    // Age ticks get crowded on a phone: label every other one.
    const labelEvery = xTicks.length > width / 36 ? 2 : 1;
    const end = shown.at(-1);
    const labelYs = spreadLabels(
      DRAWN_SDS.map(({ index }) => (end ? sy(end.sd[index]!) : 0)),
      11,
    );
    const labels = end ? DRAWN_SDS.map(({ sd }, i) => ({ sd, y: labelYs[i]! })) : [];
    return { xd, shown, y, sx, sy, xTicks, labelEvery, labels };
  }, [curves.data, points, ageDays, width, height, byAge, locale]);

  const last = points.at(-1);
  const summary = last
    ? t('chart.summary', {
        count: points.length,
        last: t('chart.point', {
          date: formatDate(last.date, locale),
          value: valueText(indicator, last, locale, t),
        }),
      })
    : t('chart.summaryNone');
  const inside = geometry ? points.filter((p) => p.x >= geometry.xd[0] && p.x <= geometry.xd[1]) : [];
  const plausible = inside.filter((p) => !p.implausible);
  const hasImplausible = points.some((p) => p.implausible);

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'xs', sm: 'sm' }}
      component="figure"
      m={0}
      aria-labelledby={`${id}-h`}
    >
      <Title order={3} size="h5" id={`${id}-h`} mb={4}>
        {title}
      </Title>
      <div ref={ref} className="growth-chart" data-indicator={indicator}>
        {curves.isPending ? (
          <Skeleton height={height} />
        ) : curves.isError ? (
          <ErrorAlert error={curves.error} onRetry={() => void curves.refetch()} />
        ) : geometry ? (
          <svg
            width={width}
            height={height}
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-labelledby={`${id}-title ${id}-desc`}
            fontFamily="inherit"
          >
            <title id={`${id}-title`}>{title}</title>
            <desc id={`${id}-desc`}>{`${t('chart.description')} ${summary}`}</desc>
            <defs>
              <clipPath id={`${id}-plot`}>
                <rect
                  x={margin.left}
                  y={margin.top}
                  width={width - margin.left - margin.right}
                  height={height - margin.top - margin.bottom}
                />
              </clipPath>
            </defs>
            {/* Grid */}
            <g aria-hidden>
              {geometry.y.ticks.map((v) => (
                <line
                  key={`gy${v}`}
                  x1={margin.left}
                  x2={width - margin.right}
                  y1={geometry.sy(v)}
                  y2={geometry.sy(v)}
                  stroke={STYLE.grid}
                />
              ))}
              {geometry.xTicks.map((tick) => (
                <line
                  key={`gx${tick.at}`}
                  x1={geometry.sx(tick.at)}
                  x2={geometry.sx(tick.at)}
                  y1={margin.top}
                  y2={height - margin.bottom}
                  stroke={STYLE.grid}
                />
              ))}
            </g>
            {/* WHO curves: the band between −2 and +2 lightly shaded */}
            <g clipPath={`url(#${id}-plot)`} aria-hidden>
              <path
                d={`${linePath(geometry.shown.map((p) => [geometry.sx(p.x), geometry.sy(p.sd[5]!)]))}${linePath(
                  [...geometry.shown].reverse().map((p) => [geometry.sx(p.x), geometry.sy(p.sd[1]!)]),
                ).replace(/^M/, 'L')}Z`}
                fill="#2b8a3e"
                fillOpacity={0.06}
                stroke="none"
              />
              {DRAWN_SDS.map(({ index, sd }) => {
                const style = sdStyle(sd);
                return (
                  <path
                    key={sd}
                    d={linePath(geometry.shown.map((p) => [geometry.sx(p.x), geometry.sy(p.sd[index]!)]))}
                    fill="none"
                    stroke={style.stroke}
                    strokeWidth={style.width}
                    strokeDasharray={style.dash}
                    data-sd={sd}
                  />
                );
              })}
            </g>
            {/* Curve names at the right end */}
            <g aria-hidden fontSize={10} fill={STYLE.text}>
              {geometry.labels.map(({ sd, y }) =>
                y < margin.top || y > height - margin.bottom ? null : (
                  <text key={sd} x={width - margin.right + 4} y={y} dominantBaseline="middle">
                    {SD_LABEL[sd]}
                  </text>
                ),
              )}
            </g>
            {/* Axes */}
            <g aria-hidden fontSize={11} fill={STYLE.text}>
              <line
                x1={margin.left}
                x2={width - margin.right}
                y1={height - margin.bottom}
                y2={height - margin.bottom}
                stroke={STYLE.axis}
              />
              <line
                x1={margin.left}
                x2={margin.left}
                y1={margin.top}
                y2={height - margin.bottom}
                stroke={STYLE.axis}
              />
              {geometry.xTicks.map((tick, i) =>
                i % geometry.labelEvery === 0 ? (
                  <text
                    key={`lx${tick.at}`}
                    x={geometry.sx(tick.at)}
                    y={height - margin.bottom + 14}
                    textAnchor="middle"
                  >
                    {tick.label}
                  </text>
                ) : null,
              )}
              {geometry.y.ticks.map((v) => (
                <text
                  key={`ly${v}`}
                  x={margin.left - 6}
                  y={geometry.sy(v)}
                  textAnchor="end"
                  dominantBaseline="middle"
                >
                  {formatNumber(v, locale)}
                </text>
              ))}
              <text
                x={(margin.left + width - margin.right) / 2}
                y={height - 6}
                textAnchor="middle"
                fontSize={12}
              >
                {byAge ? t('chart.ageAxis') : t('chart.lengthAxis')}
              </text>
              <text
                transform={`translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
                textAnchor="middle"
                fontSize={12}
              >
                {indicator === 'lengthForAge' ? t('chart.lengthAxis') : t('chart.weightAxis')}
              </text>
            </g>
            {/* The child */}
            <g clipPath={`url(#${id}-plot)`}>
              {plausible.length > 1 && (
                <path
                  d={linePath(plausible.map((p) => [geometry.sx(p.x), geometry.sy(p.y)]))}
                  fill="none"
                  stroke={STYLE.child}
                  strokeWidth={2}
                  aria-hidden
                />
              )}
              {inside.map((p) => (
                <circle
                  key={p.evidenceId}
                  cx={geometry.sx(p.x)}
                  cy={geometry.sy(p.y)}
                  r={p.implausible ? 5 : 4.5}
                  fill={p.implausible ? '#fff' : STYLE.child}
                  stroke={STYLE.child}
                  strokeWidth={2}
                  data-implausible={p.implausible || undefined}
                >
                  <title>
                    {t('chart.point', {
                      date: formatDate(p.date, locale),
                      value: valueText(indicator, p, locale, t),
                    })}
                    {p.implausible ? ` · ${t('chart.implausible')}` : ''}
                  </title>
                </circle>
              ))}
            </g>
          </svg>
        ) : null}
      </div>
      <Stack gap={6} mt={6}>
        <Legend withImplausible={hasImplausible} />
        {points.length === 0 && (
          <Text size="sm" c="gray.7">
            {t('chart.noPoints')}
          </Text>
        )}
        {hasImplausible && (
          <Text size="xs" c="gray.8">
            {t('chart.implausibleNote')}
          </Text>
        )}
        {points.length > 0 && (
          <div>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconTable size={16} aria-hidden />}
              aria-expanded={showTable}
              aria-controls={`${id}-table`}
              onClick={() => setShowTable((s) => !s)}
            >
              {showTable ? t('chart.hideTable') : t('chart.showTable')}
            </Button>
          </div>
        )}
        <div id={`${id}-table`} hidden={!showTable}>
          {showTable && (
            <Table.ScrollContainer minWidth={0} type="native">
              <Table striped verticalSpacing={4} fz="sm" aria-label={title}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('chart.date')}</Table.Th>
                    <Table.Th scope="col">{t('chart.age')}</Table.Th>
                    <Table.Th scope="col">{t('chart.value')}</Table.Th>
                    <Table.Th scope="col">{t('chart.z')}</Table.Th>
                    <Table.Th scope="col">{t('chart.note')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...points].reverse().map((p) => (
                    <Table.Tr key={p.evidenceId}>
                      <Table.Td className="tabular">{formatDate(p.date, locale)}</Table.Td>
                      <Table.Td className="tabular">
                        {formatAge(Math.floor(p.ageDays / DAYS_PER_MONTH), locale)}
                      </Table.Td>
                      <Table.Td className="tabular">{valueText(indicator, p, locale, t)}</Table.Td>
                      <Table.Td className="tabular">{formatZScore(p.z, locale)}</Table.Td>
                      <Table.Td>{p.implausible ? t('chart.implausible') : ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </div>
      </Stack>
    </Paper>
  );
}
