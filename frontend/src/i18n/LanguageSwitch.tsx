import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language, setLanguage } from "./index";

/** A two-button switch (ID | EN); the pressed one is the current language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <fieldset className="language-switch" aria-label={t("language.label")}>
      {LANGUAGES.map((language: Language) => (
        <button
          key={language}
          type="button"
          lang={language}
          aria-pressed={i18n.language === language}
          title={t(`language.${language}`)}
          onClick={() => void setLanguage(language)}
        >
          {language.toUpperCase()}
        </button>
      ))}
    </fieldset>
  );
}
