import { icd10Chapter } from '@finsam/kit/icd10';
import type { CertificateBasis, CertificateRow, WorkCapacitySteps } from '../data.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const medicalCertificateResolvers = {
  MedicalCertificate: {
    issuedOn: (c: CertificateRow) => c.issued_on,
    basis: (c: CertificateRow) => JSON.parse(c.basis_json) as CertificateBasis,
    occupationAssessedAgainst: (c: CertificateRow) => c.occupation_assessed_against,
    diagnosisCode: (c: CertificateRow) => c.diagnosis_code,
    diagnosisText: (c: CertificateRow) => c.diagnosis_text,
    diagnosisGroup: (c: CertificateRow) => icd10Chapter(c.diagnosis_code) ?? 'Okänd diagnosgrupp',
    activityLimitation: (c: CertificateRow) => c.activity_limitation,
    workCapacitySteps: (c: CertificateRow) => JSON.parse(c.work_capacity_steps_json) as WorkCapacitySteps,
    suggestedMeasures: (c: CertificateRow) => c.suggested_measures,
    careUnit: (c: CertificateRow) => c.care_unit,
  },
} satisfies Resolvers;
