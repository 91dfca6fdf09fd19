import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCalendarEvent,
  IconChevronDown,
  IconChevronUp,
  IconCircleCheck,
  IconCircleMinus,
  IconCircleX,
} from '@tabler/icons-react';
import type { EvidenceView, TrackingItemResult } from '@tejido/schemas';
import { type ComponentType, type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../app/format';
import { useLocale } from '../../i18n';
import { labelText } from './labels';
import { groupItems } from './timeline';

type GroupKey = 'overdue' | 'due' | 'upcoming' | 'done' | 'closed';

const GROUP_LOOK: Record<GroupKey, { color: string; icon: ComponentType<{ size?: number }> }> = {
  overdue: { color: 'red', icon: IconCircleX },
  due: { color: 'orange', icon: IconAlertTriangle },
  upcoming: { color: 'gray', icon: IconCalendarEvent },
  done: { color: 'green', icon: IconCircleCheck },
  closed: { color: 'gray', icon: IconCircleMinus },
};

interface Entry {
  item: TrackingItemResult;
  detail: string;
}

/** How many entries a long group shows before "show all". */
const FIRST = 5;

function ItemGroup({
  group,
  entries,
  collapsible = false,
  limit,
}: {
  group: GroupKey;
  entries: Entry[];
  /** Closed items are hidden until asked for. */
  collapsible?: boolean;
  /** Show this many until "show all". */
  limit?: number;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [open, setOpen] = useState(!collapsible);
  const [all, setAll] = useState(false);
  const { color, icon: Icon } = GROUP_LOOK[group];
  const shown = limit && !all ? entries.slice(0, limit) : entries;
  const heading = t('tracking.groupCount', { group: t(`tracking.groups.${group}`), n: entries.length });

  let toggle: ReactNode = null;
  if (collapsible && entries.length > 0)
    toggle = (
      <Button
        variant="subtle"
        size="compact-sm"
        rightSection={
          open ? <IconChevronUp size={16} aria-hidden /> : <IconChevronDown size={16} aria-hidden />
        }
        aria-expanded={open}
        aria-controls={`${id}-list`}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? t('tracking.hideClosed') : t('tracking.showClosed', { n: entries.length })}
      </Button>
    );

  return (
    <section aria-labelledby={`${id}-h`} data-group={group}>
      <Group justify="space-between" gap="xs" mb={4}>
        <Group gap={6} wrap="nowrap">
          <Text component="span" c={`${color}.8`} style={{ display: 'inline-flex' }} aria-hidden>
            <Icon size={18} />
          </Text>
          <Title order={3} size="h5" id={`${id}-h`}>
            {heading}
          </Title>
        </Group>
        {toggle}
      </Group>
      {entries.length === 0 ? (
        <Text size="sm" c="gray.7" pl={24}>
          {t('tracking.none')}
        </Text>
      ) : (
        <div id={`${id}-list`} hidden={!open}>
          <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {shown.map(({ item, detail }) => (
              <Paper
                key={item.itemId}
                component="li"
                withBorder
                radius="sm"
                px="sm"
                py={6}
                style={{ borderLeft: `4px solid var(--mantine-color-${color}-${color === 'gray' ? 5 : 7})` }}
                data-item={item.itemId}
              >
                <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" fw={600}>
                      {labelText(item.label, locale)}
                    </Text>
                    <Text size="xs" c="gray.7" className="tabular">
                      {detail}
                    </Text>
                  </div>
                  {item.criticality === 'critical' && (group === 'overdue' || group === 'due') && (
                    <Badge
                      size="sm"
                      variant="outline"
                      color="red"
                      tt="none"
                      c="red.9"
                      style={{ flexShrink: 0 }}
                    >
                      {t('tracking.item.critical')}
                    </Badge>
                  )}
                </Group>
              </Paper>
            ))}
          </Stack>
          {limit && entries.length > limit && (
            <Button
              variant="subtle"
              size="compact-sm"
              mt={4}
              onClick={() => setAll((a) => !a)}
              aria-expanded={all}
            >
              {all ? t('tracking.showFewer') : t('tracking.showAll', { n: entries.length })}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * The care pathway of a person: late items first (red), then what is due now (amber), what
 * comes next, what was done with its date, and the items closed or not applicable (folded).
 */
export function Timeline({ items, evidence }: { items: TrackingItemResult[]; evidence: EvidenceView[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const groups = useMemo(() => groupItems(items, evidence), [items, evidence]);
  const day = (date: string | null) => formatDate(date, locale);
  return (
    <Stack gap="md">
      <ItemGroup
        group="overdue"
        entries={groups.overdue.map((item) => ({
          item,
          detail: `${t('tracking.item.overdueDays', { count: item.daysOverdue })} · ${t('tracking.item.lateSince', { date: day(item.lateDate) })}`,
        }))}
      />
      <ItemGroup
        group="due"
        entries={groups.due.map((item) => ({
          item,
          detail: t('tracking.item.dueUntil', { date: day(item.lateDate) }),
        }))}
      />
      <ItemGroup
        group="upcoming"
        limit={FIRST}
        entries={groups.upcoming.map((item) => ({
          item,
          detail: t('tracking.item.upcomingOn', { date: day(item.dueDate) }),
        }))}
      />
      <ItemGroup
        group="done"
        limit={FIRST}
        entries={groups.done.map(({ item, doneOn }) => ({
          item,
          detail: doneOn ? t('tracking.item.doneOn', { date: day(doneOn) }) : t('tracking.item.doneUnknown'),
        }))}
      />
      <ItemGroup
        group="closed"
        collapsible
        entries={groups.closed.map((item) => ({
          item,
          detail: item.missed ? t('tracking.item.missed') : t('tracking.item.notApplicable'),
        }))}
      />
    </Stack>
  );
}
