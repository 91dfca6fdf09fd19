import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconAdjustmentsHorizontal, IconAlertTriangle, IconInbox, IconRefresh } from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from './problems';

/** Sets the browser tab's title: "Page · Tejido". */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Tejido` : 'Tejido';
  }, [title]);
}

/** A failed request, said in the person's language, with a way to try again. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const { title, detail } = describeError(error, t);
  return (
    <Alert
      role="alert"
      color="red"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={title}
      styles={{ title: { color: 'var(--mantine-color-red-9)' } }}
    >
      <Stack gap="xs">
        {detail && <Text size="sm">{detail}</Text>}
        {onRetry && (
          <Group>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={onRetry}
            >
              {t('common.retry')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader aria-hidden />
      <Text className="visually-hidden">{t('common.loading')}</Text>
    </Center>
  );
}

/** Nothing to show, said plainly, with what to do next. */
export function EmptyState({
  title,
  children,
  icon,
}: {
  title: string;
  children?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <Stack align="center" gap="xs" py="xl" ta="center">
      <ThemeIcon size={48} radius="xl" variant="light" color="gray" aria-hidden>
        {icon ?? <IconInbox size={28} />}
      </ThemeIcon>
      <Title order={2} size="h4">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

interface LoadMoreProps {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** Says how many rows are shown, e.g. "25 hogares". */
  shownLabel: string;
}

/** "Load more" under a cursor-paged list, announcing to screen readers how many rows are shown. */
export function LoadMore({ shown, hasMore, loading, onLoadMore, shownLabel }: LoadMoreProps) {
  const { t } = useTranslation();
  if (shown === 0) return null;
  return (
    <Stack align="center" gap="xs" mt="md">
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {shownLabel}
        {!hasMore && ` · ${t('common.allShown')}`}
      </Text>
      {hasMore && (
        <Button variant="default" onClick={onLoadMore} loading={loading}>
          {t('common.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

interface FilterToggleProps {
  open: boolean;
  /** Filters in use, shown as a count while the panel is folded. */
  active: number;
  /** Id of the element the button folds. */
  controls: string;
  onToggle: () => void;
  /** The label while open, and while folded. */
  openLabel: string;
  closedLabel: string;
}

/** On phones a filter panel folds away; this button unfolds it (hidden on larger screens). */
export function FilterToggle({
  open,
  active,
  controls,
  onToggle,
  openLabel,
  closedLabel,
}: FilterToggleProps) {
  return (
    <Button
      hiddenFrom="sm"
      variant="subtle"
      size="compact-sm"
      mb={open ? 'xs' : 0}
      leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
      rightSection={
        active > 0 ? (
          <Badge size="sm" circle>
            {active}
          </Badge>
        ) : null
      }
      aria-expanded={open}
      aria-controls={controls}
      onClick={onToggle}
    >
      {open ? openLabel : closedLabel}
    </Button>
  );
}

/**
 * A page's filters in a bordered section that folds away on phones (unfolded when filters are in
 * use), with the toggle button and the fields in `children`.
 */
export function FilterPanel({
  label,
  id,
  active,
  children,
}: {
  /** The section's accessible name. */
  label: string;
  /** Id of the folding part (the toggle's aria-controls). */
  id: string;
  /** Filters in use. */
  active: number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(active > 0);
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} radius="md" component="section" aria-label={label}>
      <FilterToggle
        open={open}
        active={active}
        controls={id}
        onToggle={() => setOpen((o) => !o)}
        openLabel={t('roster.fewerFilters')}
        closedLabel={t('roster.moreFilters')}
      />
      <Stack gap="sm" id={id} className="fold-on-phone" data-open={open}>
        {children}
      </Stack>
    </Paper>
  );
}

/** One labelled fact of a record (dt/dd); an empty value reads "not recorded". */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  const { t } = useTranslation();
  const empty = children === null || children === undefined || children === '';
  return (
    <div>
      <Text component="dt" size="xs" fw={600} c="gray.7" tt="uppercase" lts={0.3}>
        {label}
      </Text>
      <Text component="dd" m={0} size="sm" c={empty ? 'gray.7' : undefined} fs={empty ? 'italic' : undefined}>
        {empty ? t('common.notRecorded') : children}
      </Text>
    </div>
  );
}

/** A record page while it loads: its title, then blocks of the given heights. */
export function PageSkeleton({
  titleWidth = 280,
  blocks,
}: {
  titleWidth?: number;
  blocks: readonly number[];
}) {
  const { t } = useTranslation();
  return (
    <Stack aria-busy="true" aria-label={t('common.loading')}>
      <Skeleton height={36} width={titleWidth} />
      {blocks.map((height, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed placeholders, never reordered.
        <Skeleton key={i} height={height} />
      ))}
    </Stack>
  );
}
