export interface PersonRef {
  personnummer: string;
}

export const personResolvers = {
  Person: {
    __resolveReference: (ref: PersonRef): PersonRef => ({ personnummer: ref.personnummer }),
    // The sector's lists load lazily through the request's loaders, only when asked for.
    care: (person: PersonRef): PersonRef => ({ personnummer: person.personnummer }),
  },
};
