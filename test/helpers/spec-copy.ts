import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

/** The repository's root: the shared spec, when there, is `../shared` beside it. */
const REPO = new URL('../../', import.meta.url);

/** A file of the shared spec as the tests use it: the committed copy, and the spec's own when it is beside the repository. */
export interface SpecCopy {
  /** What the tests run on: test/fixtures/<fixture>, so that a clone anywhere runs the same. */
  text: string;
  fixture: URL;
  /** ../shared/<published> beside the repository, when it is there. */
  published: URL | undefined;
}

/**
 * The committed copy of a shared spec file.
 *
 * @example
 * const vectors = specCopy('spec/vectors.json', 'vectors.json');
 * const cases = JSON.parse(vectors.text);
 */
export function specCopy(published: string, fixture: string): SpecCopy {
  const fixtureUrl = new URL(`test/fixtures/${fixture}`, REPO);
  const publishedUrl = new URL(`../shared/${published}`, REPO);
  return {
    text: readFileSync(fixtureUrl, 'utf8'),
    fixture: fixtureUrl,
    published: existsSync(publishedUrl) ? publishedUrl : undefined,
  };
}

/**
 * Fails when the spec beside the repository says something else than the
 * committed copy: the tests would otherwise check the old words. Without
 * the spec beside it (a clone elsewhere), the committed copy stands.
 *
 * @example
 * it('the committed vectors are the spec's', () => assertCopyIsCurrent(vectors));
 */
export function assertCopyIsCurrent(copy: SpecCopy): void {
  if (copy.published === undefined) return;
  assert.ok(
    readFileSync(copy.published, 'utf8') === copy.text,
    `${copy.published.pathname} differs from its committed copy ${copy.fixture.pathname}: copy it over, and see what the change asks of the code`,
  );
}
