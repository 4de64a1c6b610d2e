import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** Quartermaster blue; the OAuth login and consent pages use the same colours (src/oauth/interactions/page.ts). */
const harbour: MantineColorsTuple = ['#e8f1fb', '#d0e0f3', '#9fbfe6', '#6b9cd9', '#4480ce', '#2c6dc7', '#1f63c5', '#1c4e80', '#16466f', '#0b3c60'];

export const theme = createTheme({
  primaryColor: 'harbour',
  primaryShade: 7,
  colors: { harbour },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  defaultRadius: 'md',
  headings: { fontWeight: '650' },
  components: {
    TextInput: { defaultProps: { size: 'sm' } },
    Button: { defaultProps: { size: 'sm' } },
  },
});
