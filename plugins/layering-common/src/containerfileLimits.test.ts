import { validateContainerfileEntries } from './containerfileLimits';

describe('validateContainerfileEntries', () => {
  it('applies the v1 limits', () => {
    expect(
      validateContainerfileEntries(
        [{ containerfileArch: 'NoArch', content: 'FROM configs AS final' }],
        'v1',
      ),
    ).toEqual([]);
    expect(validateContainerfileEntries([{ content: 'x' }], 'v1')).toEqual([]);
    expect(
      validateContainerfileEntries(
        [{ containerfileArch: 'noarch', content: 'x' }],
        'v1',
      )[0].message,
    ).toMatch(/not an architecture v1 accepts/);
    expect(
      validateContainerfileEntries([{ content: 'x'.repeat(4097) }], 'v1')[0]
        .message,
    ).toMatch(/4097 characters.*at most 4096/);
    expect(
      validateContainerfileEntries([{ content: 'x'.repeat(4096) }], 'v1'),
    ).toEqual([]);
    const five = ['ARM64', 'AMD64', 'PPC64LE', 'S390X', 'NoArch', 'NoArch'].map(
      a => ({ containerfileArch: a, content: 'x' }),
    );
    const issues = validateContainerfileEntries(five, 'v1');
    expect(issues[0].message).toMatch(/At most 4/);
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: 'containerfile[5]',
        message: 'There is already a Containerfile for NoArch.',
      }),
    );
  });

  it('applies the v1alpha1 limits', () => {
    expect(
      validateContainerfileEntries(
        [{ containerfileArch: 'x86_64', content: 'x' }],
        'v1alpha1',
      ),
    ).toEqual([]);
    expect(
      validateContainerfileEntries(
        [{ containerfileArch: 'AMD64', content: 'x' }],
        'v1alpha1',
      ),
    ).toHaveLength(1);
    expect(
      validateContainerfileEntries([{ content: 'x'.repeat(5000) }], 'v1alpha1'),
    ).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/cannot be carried over to v1/),
      }),
    ]);
    const eight = Array.from({ length: 8 }, () => ({ content: 'x' }));
    expect(validateContainerfileEntries(eight, 'v1alpha1')[0].message).toMatch(
      /At most 7/,
    );
  });
});
