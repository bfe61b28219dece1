/**
 * The OData v3 CSDL document every response's `odata.metadata` points at. Times are Edm.DateTime
 * and TTLs Edm.String because that is how the reference serialises them.
 */
const prop = (name: string, type: string, nullable = false) =>
  `        <Property Name="${name}" Type="${type}" Nullable="${nullable}"/>`;

const entity = (name: string, key: string, props: string[]) => `      <EntityType Name="${name}">
        <Key><PropertyRef Name="${key}"/></Key>
${props.join('\n')}
      </EntityType>`;

export const METADATA_XML = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
    <Schema Namespace="Elevate.PAM" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">
${entity('PAMRole', 'RoleId', [
  prop('RoleId', 'Edm.Guid'),
  prop('DisplayName', 'Edm.String'),
  prop('Description', 'Edm.String', true),
  prop('TTL', 'Edm.String'),
  prop('AvailableFrom', 'Edm.DateTime'),
  prop('AvailableTo', 'Edm.DateTime'),
  prop('MFAEnabled', 'Edm.Boolean'),
  prop('ApprovalEnabled', 'Edm.Boolean'),
  prop('AvailabilityWindowEnabled', 'Edm.Boolean'),
])}
${entity('PAMRequest', 'RequestId', [
  prop('RequestId', 'Edm.Guid'),
  prop('CreatorID', 'Edm.Guid'),
  prop('Justification', 'Edm.String', true),
  prop('DisplayName', 'Edm.String'),
  prop('CreationTime', 'Edm.DateTime'),
  prop('CreationMethod', 'Edm.String'),
  prop('ExpirationTime', 'Edm.DateTime'),
  prop('RoleId', 'Edm.Guid'),
  prop('RequestedTTL', 'Edm.String'),
  prop('RequestedTime', 'Edm.DateTime'),
  prop('RequestStatus', 'Edm.String'),
])}
      <ComplexType Name="GuidValue">
        <Property Name="Value" Type="Edm.Guid" Nullable="false"/>
      </ComplexType>
${entity('PAMRequestToApprove', 'ApprovalObjectID', [
  prop('RoleName', 'Edm.String'),
  prop('Requestor', 'Edm.String'),
  prop('Justification', 'Edm.String', true),
  prop('RequestedTTL', 'Edm.String'),
  prop('RequestedTime', 'Edm.DateTime'),
  prop('CreationTime', 'Edm.DateTime'),
  prop('FIMRequestID', 'Elevate.PAM.GuidValue'),
  prop('RequestorID', 'Elevate.PAM.GuidValue'),
  prop('ApprovalObjectID', 'Elevate.PAM.GuidValue'),
])}
${entity('PAMSession', 'Username', [prop('Username', 'Edm.String')])}
      <EntityContainer Name="PAMResources" m:IsDefaultEntityContainer="true">
        <EntitySet Name="pamroles" EntityType="Elevate.PAM.PAMRole"/>
        <EntitySet Name="pamrequests" EntityType="Elevate.PAM.PAMRequest"/>
        <EntitySet Name="pamrequeststoapprove" EntityType="Elevate.PAM.PAMRequestToApprove"/>
        <EntitySet Name="sessioninfo" EntityType="Elevate.PAM.PAMSession"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
