import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { LoadError } from './LoadError';

describe('LoadError', () => {
  it('shows the message of a plain error', async () => {
    await renderInTestApp(<LoadError error={new Error('network down')} />);
    expect((await screen.findAllByText(/network down/)).length).toBeGreaterThan(
      0,
    );
  });

  it("shows the backend's error body for an HTTP error", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'No cluster named nope' },
        request: { method: 'GET', url: '/clusters/nope' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    await renderInTestApp(<LoadError error={error} />);
    expect(
      (await screen.findAllByText(/No cluster named nope/)).length,
    ).toBeGreaterThan(0);
  });
});
