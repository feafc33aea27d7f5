import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/locales/en.json';
import sv from '../../web/src/locales/sv.json';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const result = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') result.set(name, value);
    else for (const [k, v] of leaves(value, name)) result.set(k, v);
  }
  return result;
}

const english = leaves(en as Tree);
const swedish = leaves(sv as Tree);

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
}

describe('locales', () => {
  it('have the same keys in English and Swedish', () => {
    expect([...swedish.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('use the same placeholders and no empty strings', () => {
    for (const [key, text] of english) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(swedish.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('use the glossary words', () => {
    const pairs: [string, string, string][] = [
      ['customers.launch', 'Launch organization', 'Starta organisation'],
      ['trials.start', 'Start trial', 'Starta provperiod'],
      ['orders.setUp', 'Set up order', 'Konfigurera beställning'],
      ['common.exportCsv', 'Export CSV', 'Exportera CSV'],
      ['status.label.ready_for_order_setup', 'Ready for order setup', 'Redo för beställningskonfiguration'],
      ['status.label.license_overage', 'License overage', 'Överskott av licens'],
      ['kpi.label.exceedingLimit', 'Exceeding license limit', 'Överskridande av licensgränsen'],
      ['filters.type', 'Subscription type', 'Prenumerationstyp'],
      ['onboarding.title', 'Start my organization', 'Starta min organisation'],
      ['onboarding.getStarted', 'Get started', 'Kom igång'],
      ['users.rolesAndSecurity', 'Roles and security', 'Roller och säkerhet'],
      [
        'roles.partner_readonly_admin',
        'Partner read-only administrator',
        'Skrivskyddad partneradministratör',
      ],
    ];
    for (const [key, english_, swedish_] of pairs) {
      expect(english.get(key), key).toBe(english_);
      expect(swedish.get(key), key).toBe(swedish_);
    }
  });

  it('cover every literal key used in the web sources', () => {
    const root = path.resolve(__dirname, '../../web/src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name)) files.push(full);
      }
    };
    walk(root);
    const known = new Set([...english.keys()].map((key) => key.replace(/_(one|other)$/, '')));
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        expect(known.has(match[1] ?? ''), `${path.relative(root, file)}: ${match[1]}`).toBe(true);
      }
    }
  });
});
