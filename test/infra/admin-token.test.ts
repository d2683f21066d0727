// AdminToken: the generated admin bearer token in Secrets Manager.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { AdminToken } from '../../infra/constructs/admin-token.js';
import { testStack } from './support.js';

const stack = testStack();
new AdminToken(stack, 'AdminToken');
const template = Template.fromStack(stack);

describe('AdminToken', () => {
  it('generates a 48-character token of letters and digits', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('stores the token as the whole secret string, not as a field of a JSON document', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { GenerateStringKey: Match.absent(), SecretStringTemplate: Match.absent() },
    });
  });
});
