import { useTranslation } from 'react-i18next';

export default function Page() {
  const { t } = useTranslation('live');
  return (
    <div className="page">
      <h1>{t('title')}</h1>
    </div>
  );
}
