import type { TrafficLight } from '@tejido/schemas';
import { useTranslation } from 'react-i18next';
import { StatusBadge, type Tone } from '../../app/StatusBadge';

export const LIGHT_TONE: Record<TrafficLight, Tone> = {
  red: 'negative',
  amber: 'warning',
  green: 'positive',
};

/**
 * A traffic light as a word, an icon and a colour ("Rojo" with a cross, "Ámbar" with a
 * warning sign, "Verde" with a tick): it reads the same without seeing colours, and screen
 * readers hear "Semáforo: Rojo".
 */
export function LightBadge({ light }: { light: TrafficLight }) {
  const { t } = useTranslation();
  return (
    <span data-light={light} style={{ display: 'inline-flex' }}>
      <span className="visually-hidden">{t('light.label')}: </span>
      <StatusBadge tone={LIGHT_TONE[light]}>{t(`light.${light}`)}</StatusBadge>
    </span>
  );
}
