import { Badge } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconPlayerPause,
  type IconProps,
} from '@tabler/icons-react';
import type { ComponentType, ReactNode } from 'react';

export type Tone = 'positive' | 'warning' | 'negative' | 'neutral' | 'pending';

const TONES: Record<Tone, { color: string; icon: ComponentType<IconProps> }> = {
  positive: { color: 'green', icon: IconCircleCheck },
  warning: { color: 'orange', icon: IconAlertTriangle },
  negative: { color: 'red', icon: IconCircleX },
  neutral: { color: 'gray', icon: IconCircleDashed },
  pending: { color: 'yellow', icon: IconPlayerPause },
};

/**
 * A status as a word with an icon and a colour: the word carries the meaning, so it reads
 * the same to someone who does not see the colour. Dark text on a light fill keeps contrast.
 */
export function StatusBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  const { color, icon: Icon } = TONES[tone];
  return (
    <Badge
      variant="light"
      color={color}
      radius="sm"
      tt="none"
      fw={600}
      leftSection={<Icon size={14} aria-hidden />}
      styles={{ root: { color: `var(--mantine-color-${color}-9)` } }}
    >
      {children}
    </Badge>
  );
}
