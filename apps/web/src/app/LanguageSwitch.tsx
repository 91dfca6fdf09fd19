import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isAppLocale, setLocale, useLocale } from '../i18n';

/** Español | English, remembered in this browser. Each option is named in its own language. */
export function LanguageSwitch({ size = 'xs' }: { size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <SegmentedControl
      size={size}
      aria-label={t('language.label')}
      value={locale}
      onChange={(value) => {
        if (isAppLocale(value)) setLocale(value);
      }}
      data={[
        {
          value: 'es-PE',
          label: (
            <span lang="es" title="Español">
              <span aria-hidden>ES</span>
              <span className="visually-hidden">Español</span>
            </span>
          ),
        },
        {
          value: 'en',
          label: (
            <span lang="en" title="English">
              <span aria-hidden>EN</span>
              <span className="visually-hidden">English</span>
            </span>
          ),
        },
      ]}
    />
  );
}
