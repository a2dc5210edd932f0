// `npm run build`: the migrated embedded store new data directories start from.
import { writeFileSync } from 'node:fs';
import { buildPgliteTemplate, packagedTemplatePath } from '../src/storage/pglite-template.js';

const template = await buildPgliteTemplate();
writeFileSync(packagedTemplatePath, Buffer.from(await template.arrayBuffer()));
console.error(`wrote ${packagedTemplatePath} (${(template.size / 2 ** 20).toFixed(1)} MiB)`);
