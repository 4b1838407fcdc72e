import { describe, expect, it } from 'vitest';
import { platformOfTags } from './dist-info';
import { manylinuxPlatforms, pythonTarget } from './platform';
import { parseRequirement, poetryConstraint } from './requirements';

describe('python: platform tags', () => {
  it('offers every manylinux tag from the runtime glibc down, with legacy aliases', () => {
    const tags = pythonTarget('python3.12', 'x86_64').platforms;
    expect(tags[0]).toBe('manylinux_2_34_x86_64');
    expect(tags).toEqual(expect.arrayContaining(['manylinux_2_17_x86_64', 'manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64']));
    expect(tags).not.toContain('manylinux_2_35_x86_64');
  });

  it('stops at glibc 2.26 for python3.9-3.11 and at 2_17 for aarch64', () => {
    expect(pythonTarget('python3.11', 'x86_64').platforms[0]).toBe('manylinux_2_26_x86_64');
    expect(manylinuxPlatforms(34, 'aarch64').at(-1)).toBe('manylinux2014_aarch64');
  });

  it('folds WHEEL tags into one platform key, pure wheels as any', () => {
    expect(platformOfTags(['py2-none-any', 'py3-none-any'])).toBe('any');
    expect(platformOfTags(['cp312-cp312-manylinux_2_17_x86_64', 'cp312-cp312-manylinux2014_x86_64'])).toBe('cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64');
  });
});

describe('python: requirement syntax', () => {
  it('reads the exact pin and normalises the name', () => {
    expect(parseRequirement('Pure_Greet[fast] == 1.0.0 ; python_version >= "3.9"', 'r.txt', '/w')).toMatchObject({ name: 'pure-greet', pin: '1.0.0' });
    expect(parseRequirement('pure-greet>=1.0', 'r.txt', '/w')).not.toHaveProperty('pin');
  });

  it('turns `name @ file:` into a path dependency', () => {
    expect(parseRequirement('greeting @ file:../libs/greeting', 'r.txt', '/w/fn')).toEqual({ dir: '/w/libs/greeting', from: 'r.txt' });
  });

  it('translates Poetry constraints to PEP 440', () => {
    expect(poetryConstraint('^1.2.3')).toBe('>=1.2.3,<2');
    expect(poetryConstraint('^0.4')).toBe('>=0.4,<0.5');
    expect(poetryConstraint('~1.2')).toBe('>=1.2,<1.3');
    expect(poetryConstraint('1.2')).toBe('==1.2');
    expect(poetryConstraint('*')).toBe('');
    expect(poetryConstraint('>=1,<3')).toBe('>=1,<3');
  });
});
