import type { OrganisationEntity } from '@borderlens/database';
import { newTestService } from '../../../../test/support/new-test-service';
import { OrganisationRepository } from './organisation.repository';
import { OrganisationService } from './organisation.service';

describe(OrganisationService.name, () => {
  const nysa = { id: 'nysa', name: 'Gmina Nysa', country: 'PL' } as OrganisationEntity;

  it('lists what the repository holds', async () => {
    const { sut, mocks } = newTestService(OrganisationService);
    mocks.of(OrganisationRepository).findAll.mockResolvedValue([nysa]);
    await expect(sut.findAll()).resolves.toEqual([nysa]);
  });

  it('finds one by id, and answers organisation_not_found (404) for an unknown one', async () => {
    const { sut, mocks } = newTestService(OrganisationService);
    const repo = mocks.of(OrganisationRepository);
    repo.findById.mockImplementation(async (id) => (id === 'nysa' ? nysa : null));
    await expect(sut.findOne('nysa')).resolves.toBe(nysa);
    await expect(sut.findOne('atlantis')).rejects.toMatchObject({ code: 'organisation_not_found', status: 404 });
  });
});
