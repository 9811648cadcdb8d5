import { resolve } from 'node:path';
import { writePanelPages } from '../../build/index.js';
import type { SdkCommand } from '../sdk-command.js';

/** `omega-plugin pages [dir]`: write each declared panel's page from `panel/<id>.html` in the sdk's page shell. */
export const pagesCommand: SdkCommand = {
  name: 'pages',
  summary: "Write each panel's page (ui.panels[].entry) from panel/<id>.html in the sdk's page shell.",
  usage: 'omega-plugin pages [DIR]',
  options: {},
  async run(_values, positionals, cwd) {
    const dir = resolve(cwd, positionals[0] ?? '.');
    for (const w of await writePanelPages(dir))
      process.stdout.write(`${w.id}: ${w.page}${w.changed ? '' : ' (unchanged)'}\n`);
    return 0;
  },
};
