import { createTheme } from '@mantine/core';

/**
 * Indigo at shade 7 keeps white text on buttons above 4.5:1 contrast; focus rings show for
 * keyboard users.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  focusRing: 'auto',
  cursorType: 'pointer',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
  components: {
    // Grey placeholder and description text at Mantine's default shade is too faint for outdoor phone screens.
    InputWrapper: { styles: { description: { color: 'var(--mantine-color-gray-7)' } } },
  },
});
