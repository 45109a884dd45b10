// Every catalogue at once, for the catalogue test (the app loads all but English when chosen: i18n.svelte.ts).
import type { Catalog } from '../../shared/i18n/translator';
import type { Language } from '../bindings';
import app_ar from './app.ar';
import app_en from './app.en';
import app_es from './app.es';
import app_fr from './app.fr';
import app_pl from './app.pl';
import app_pt from './app.pt';
import app_vi from './app.vi';
import app_zh_Hans from './app.zh-Hans';
import ar from './ar';
import en from './en';
import es from './es';
import fr from './fr';
import pl from './pl';
import pt from './pt';
import vi from './vi';
import zh_Hans from './zh-Hans';

export const CATALOGS: Readonly<Record<Language, Catalog>> = {
  en: { ...en, ...app_en },
  es: { ...es, ...app_es },
  fr: { ...fr, ...app_fr },
  pt: { ...pt, ...app_pt },
  ar: { ...ar, ...app_ar },
  'zh-Hans': { ...zh_Hans, ...app_zh_Hans },
  vi: { ...vi, ...app_vi },
  pl: { ...pl, ...app_pl },
};
export const LOCALES = Object.keys(CATALOGS) as Language[];
