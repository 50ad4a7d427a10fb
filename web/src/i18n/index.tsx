// Dictionary-based i18n: ru (default) and en, kept in localStorage; also switches the
// antd and dayjs locales.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
// the ESM files: Vite's CJS interop on antd/locale/* hands over {default: …}, losing the texts
import ruRU from 'antd/es/locale/ru_RU';
import enUS from 'antd/es/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import { ru, type MessageKey } from './ru';
import { en } from './en';

export type Lang = 'ru' | 'en';
export type { MessageKey };
export type TFunction = (key: MessageKey, params?: Record<string, string | number>) => string;

const STORAGE_KEY = 'upravdom.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ru, en };

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'ru' || saved === 'en') return saved;
  } catch {
    /* storage may be unavailable */
  }
  return 'ru';
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  let text = dictionaries[lang][key] ?? ru[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) text = text.split(`{${k}}`).join(String(v));
  }
  return text;
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: TFunction;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
  }, []);

  useEffect(() => {
    dayjs.locale(lang);
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<I18nValue>(
    () => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }),
    [lang, setLang],
  );

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'ru' ? ruRU : enUS}
        theme={{
          token: { colorPrimary: '#1f5fd6', borderRadius: 8, fontSize: 14 },
          components: { Layout: { headerBg: '#ffffff', siderBg: '#0f1f3d' }, Menu: { darkItemBg: '#0f1f3d', darkSubMenuItemBg: '#0b1830' } },
        }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
