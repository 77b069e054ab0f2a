// Shapes shared by the trail operations.
import { list, required, string, structure } from '../../aws/shapes.ts';

export const TrailNameOrArn = required(string());
export const Tag = structure({ Key: required(string({ min: 1, max: 128 })), Value: string({ max: 256 }) });
export const TagsList = list(Tag, { max: 200 });
export const trailResource = (arn: string | undefined) => (arn ? [{ type: 'AWS::CloudTrail::Trail', name: arn }] : []);
