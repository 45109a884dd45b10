// The progress report in a family's language. A therapist prints it for the parents, who may read none of the
// dashboard's languages: so each of the family screens' eight languages has the report's words, either in the
// dashboard's full catalogue (i18n/<tag>.ts: English, Spanish) or in a catalogue of the report's words alone
// (i18n/report/<tag>.ts). The report's words are those its page and the labels it uses ask for (REPORT_SOURCES);
// reportI18n.test.ts holds each catalogue to exactly them, with the dashboard catalogues' checks.
import type { Catalog } from '../shared/i18n/translator';
import { isLanguage, type Language, LANGUAGES } from '../shared/i18n/languages';
import { isLocale, LOADERS } from './i18n.svelte';

/** The files whose `t()` keys a printed report shows, relative to ui/dashboard. */
export const REPORT_SOURCES = [
  'pages/Report.svelte',
  'components/Heatmap.svelte',
  'components/PainChart.svelte',
  'lib/labels.ts',
  'lib/report.ts',
  'lib/goals.ts',
  'lib/charts.ts',
  'lib/pain.ts',
  'lib/child.ts',
  'lib/sparkline.ts',
  'lib/heatmap.ts',
  'lib/dates.ts',
] as const;

/** The report-only catalogues, by path (`./i18n/report/fr.ts`), each loaded when chosen. */
const REPORT_FILES = import.meta.glob<{ default: Catalog }>(['./i18n/report/*.ts', '!./i18n/report/*.test.ts']);

/** Every language a report prints in: the family screens' eight, in the order their settings list them. */
export const REPORT_LANGUAGES = LANGUAGES;

/** The report's words in `l`: the dashboard's catalogue of it, over the report's own where both exist. */
export async function reportCatalog(l: Language): Promise<Catalog> {
  const own = REPORT_FILES[`./i18n/report/${l}.ts`];
  const [report, full] = await Promise.all([own ? own().then((m) => m.default) : {}, isLocale(l) ? LOADERS[l]!() : {}]);
  return { ...report, ...full };
}

/**
 * The language a report opens in: the family's (the first its devices show, as the child's page lists them) when
 * there is one, else the therapist's if the report prints in it, else English.
 */
export function defaultReportLanguage(family: readonly (string | null | undefined)[], therapist: string): Language {
  const theirs = family.find(isLanguage);
  if (theirs) return theirs;
  return isLanguage(therapist) ? therapist : 'en';
}
