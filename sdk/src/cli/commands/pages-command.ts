import { writePanelPages } from '../../build/index.js';
import { dirCommand } from '../sdk-command.js';

/** `omega-plugin pages [dir]`: write each declared panel's page from `panel/<id>.html` in the sdk's page shell. */
export const pagesCommand = dirCommand({
  name: 'pages',
  summary: "Write each panel's page (ui.panels[].entry) from panel/<id>.html in the sdk's page shell.",
  async run(dir) {
    for (const w of await writePanelPages(dir))
      process.stdout.write(`${w.id}: ${w.page}${w.changed ? '' : ' (unchanged)'}\n`);
    return 0;
  },
});
