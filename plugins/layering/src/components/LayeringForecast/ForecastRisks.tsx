import { Alert, Flex, Link, Text } from '@backstage/ui';
import type { LayeringForecastResponse } from '@rhcos-layering/plugin-layering-common';

/** The known risks of a conditional update, or nothing for a recommended one. */
export function ForecastRisks(props: { forecast: LayeringForecastResponse }) {
  const { forecast } = props;
  if (!forecast.conditional) return null;
  const risks = forecast.risks ?? [];
  return (
    <Alert
      status="warning"
      icon
      title={`${forecast.to} is a conditional update: ${
        risks.length === 1 ? 'one known risk applies' : `${risks.length} known risks apply`
      }`}
      description={
        <Flex direction="column" gap="1">
          {risks.map(risk => (
            <Text as="p" variant="body-small" key={risk.name}>
              <strong>{risk.name}</strong>
              {`: ${risk.message} `}
              {risk.url && (
                <Link href={risk.url} target="_blank" rel="noopener noreferrer">
                  More about this risk
                </Link>
              )}
            </Text>
          ))}
        </Flex>
      }
    />
  );
}
