// The admin bearer token, generated into Secrets Manager; the API keeps only its hash.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface AdminTokenProps {
  /**
   * Length of the generated token.
   * @default 48
   */
  readonly length?: number;
  /**
   * What happens to the secret when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A Secrets Manager secret holding a random URL-safe token that the API accepts as the admin token. */
export class AdminToken extends Construct {
  /** The secret; its string value is the token. */
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: AdminTokenProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description:
        'Modelwatch admin token: send it as "Authorization: Bearer <token>" to create scoped tokens.',
      generateSecretString: {
        passwordLength: props.length ?? 48,
        // Letters and digits only, so the token pastes into a shell or an HTTP header without quoting.
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.secret,
      'SMG4',
      'Operators hold this token; rotating it on a schedule would lock them out without notice. docs/deploy.md shows rotating it by hand with put-secret-value.',
    );
  }
}
